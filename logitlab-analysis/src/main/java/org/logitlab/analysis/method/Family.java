package org.logitlab.analysis.method;

/** What a method's score is evidence of; every method's score is oriented so that higher means more of it. */
public enum Family {
    UNCERTAINTY("higher = the model is more uncertain about the text"),
    DETECTION("higher = more likely machine-generated (by the scoring model or one like it)"),
    MEMBERSHIP("higher = more likely a member of the model's training data");

    private final String signConvention;

    Family(String signConvention) {
        this.signConvention = signConvention;
    }

    public String signConvention() {
        return signConvention;
    }
}
