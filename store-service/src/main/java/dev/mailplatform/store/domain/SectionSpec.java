package dev.mailplatform.store.domain;

import java.util.List;

/**
 * An IMAP section spec (RFC 3501 6.4.5): the part path (numbers as the client sent them, uint32 in Java ints), what
 * of the part, and the field names of HEADER.FIELDS (NOT).
 */
public record SectionSpec(List<Integer> part, Kind kind, List<String> fields) {

    /** UNKNOWN stands for a kind the caller sent that has no meaning here (refused where the kind is read). */
    public enum Kind {
        FULL, HEADER, TEXT, MIME, HEADER_FIELDS, HEADER_FIELDS_NOT, PART, UNKNOWN
    }
}
