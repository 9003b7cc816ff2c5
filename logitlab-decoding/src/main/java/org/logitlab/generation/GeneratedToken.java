package org.logitlab.generation;

import org.logitlab.sampling.TokenLogProbs;

/**
 * One generated token as it is produced.
 *
 * @param position index of the token in the session
 * @param text the text that became complete with this token (may be empty while a UTF-8 character is split
 *     across tokens)
 * @param logProbs raw and post-sampler log-probabilities of the token and the top-N alternatives
 */
public record GeneratedToken(int token, int position, String text, TokenLogProbs logProbs) {}
