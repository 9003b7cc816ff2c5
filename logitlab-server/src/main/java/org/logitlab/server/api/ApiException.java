package org.logitlab.server.api;

/**
 * A request the server refuses, reported in OpenAI's error shape:
 * {@code {"error": {"message", "type", "param", "code"}}}.
 *
 * @see ErrorBody
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String type;
    private final String param;
    private final String code;

    public ApiException(int status, String type, String param, String code, String message) {
        super(message);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
    }

    /** 400 invalid_request_error naming the offending field. */
    public static ApiException invalid(String param, String message) {
        return new ApiException(400, "invalid_request_error", param, null, message);
    }

    /** 400 for a field this server recognises but does not implement yet. */
    public static ApiException notSupported(String param, String what) {
        return new ApiException(400, "invalid_request_error", param, "not_supported", what + " is not supported yet");
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String param() {
        return param;
    }

    public String code() {
        return code;
    }
}
