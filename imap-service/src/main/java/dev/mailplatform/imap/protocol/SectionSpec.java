package dev.mailplatform.imap.protocol;

import java.util.List;

/**
 * The section of {@code BODY[...]}: a part path ({@code 1.2}) and what of that part.
 *
 * @param part   part numbers, empty for the whole message
 * @param kind   what is asked for
 * @param fields header names of HEADER.FIELDS(.NOT) as the client wrote them (compare case-insensitively); empty
 *               otherwise
 */
public record SectionSpec(List<Integer> part, Kind kind, List<String> fields) {

    public enum Kind {
        /** Nothing after the part path: {@code BODY[]} or {@code BODY[1.2]}. */
        FULL(""),
        HEADER("HEADER"),
        HEADER_FIELDS("HEADER.FIELDS"),
        HEADER_FIELDS_NOT("HEADER.FIELDS.NOT"),
        TEXT("TEXT"),
        MIME("MIME");

        private final String wire;

        Kind(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }
    }

    public static final SectionSpec WHOLE = new SectionSpec(List.of(), Kind.FULL, List.of());

    public SectionSpec {
        part = List.copyOf(part);
        fields = List.copyOf(fields);
        if (kind == Kind.MIME && part.isEmpty()) {
            throw new IllegalArgumentException("MIME requires a part number");
        }
        boolean wantsFields = kind == Kind.HEADER_FIELDS || kind == Kind.HEADER_FIELDS_NOT;
        if (wantsFields == fields.isEmpty()) {
            throw new IllegalArgumentException(wantsFields ? "header list must not be empty" : "unexpected header list");
        }
    }

    /** The section text exactly as the FETCH response echoes it between the brackets. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < part.size(); i++) {
            if (i > 0) {
                sb.append('.');
            }
            sb.append(part.get(i));
        }
        if (kind != Kind.FULL) {
            if (!part.isEmpty()) {
                sb.append('.');
            }
            sb.append(kind.wire());
        }
        if (!fields.isEmpty()) {
            sb.append(" (");
            for (int i = 0; i < fields.size(); i++) {
                if (i > 0) {
                    sb.append(' ');
                }
                sb.append(ResponseWriter.astringText(fields.get(i)));
            }
            sb.append(')');
        }
        return sb.toString();
    }
}
