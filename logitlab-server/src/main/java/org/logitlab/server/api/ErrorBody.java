package org.logitlab.server.api;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** OpenAI's error JSON: {@code {"error": {"message", "type", "param", "code"}}}. */
final class ErrorBody {
    private ErrorBody() {}

    static ObjectNode of(ApiException error) {
        ObjectNode body = Json.object();
        ObjectNode detail = body.putObject("error");
        detail.put("message", error.getMessage());
        detail.put("type", error.type());
        if (error.param() == null) {
            detail.putNull("param");
        } else {
            detail.put("param", error.param());
        }
        if (error.code() == null) {
            detail.putNull("code");
        } else {
            detail.put("code", error.code());
        }
        return body;
    }
}
