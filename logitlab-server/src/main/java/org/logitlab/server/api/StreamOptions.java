package org.logitlab.server.api;

/** OpenAI's {@code stream_options}: only {@code include_usage}. */
final class StreamOptions {
    private StreamOptions() {}

    static boolean includeUsage(Fields fields) {
        return fields.object("stream_options")
                .map(options -> {
                    Fields nested = fields.nested("stream_options", options);
                    boolean include = nested.bool("include_usage", false);
                    nested.rejectUnknown();
                    return include;
                })
                .orElse(false);
    }
}
