package org.logitlab.server.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.logitlab.server.scheduler.SequenceEvent;

/** How one choice of a response is written: OpenAI's completions or chat shape. */
interface ChoiceFormat {

    /** Applies a sequence event; returns the choice objects a stream sends for it (one chunk each). */
    List<ObjectNode> apply(SequenceEvent event);

    /** The whole choice for a non-streamed response, after its sequence finished. */
    ObjectNode complete();
}
