package dev.mailplatform.store.mime;

import dev.mailplatform.store.v1.BodyPart;
import dev.mailplatform.store.v1.Envelope;
import java.time.Instant;
import java.time.LocalDate;

/** What the store keeps about a message's content, computed once at ingest. */
public record IndexedMessage(
        long size,
        long headerSize,
        byte[] headerRaw,
        Envelope envelope,
        BodyPart structure,
        Instant sentDate,
        /** The Date field's day as written, disregarding time and zone (RFC 3501 SENTON), or null. */
        LocalDate sentDay,
        String preview,
        String searchHeader,
        String searchBody) {
}
