/** logitlab decoding: distributions, samplers, constraints, speculative decoding. */
package org.logitlab;
