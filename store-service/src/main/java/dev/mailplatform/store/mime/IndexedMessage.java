package dev.mailplatform.store.mime;

import dev.mailplatform.store.v1.BodyPart;
import dev.mailplatform.store.v1.Envelope;
import java.time.Instant;

/** What the store keeps about a message's content, computed once at ingest. */
public record IndexedMessage(
        long size,
        long headerSize,
        byte[] headerRaw,
        Envelope envelope,
        BodyPart structure,
        Instant sentDate,
        String preview,
        String searchHeader,
        String searchBody) {
}
