package dev.mailplatform.imap.protocol;

/** One item of a FETCH attribute list, after ALL/FAST/FULL have been expanded. */
public sealed interface FetchAttribute {

    /** The item name as it appears in the FETCH response. */
    String responseName();

    /** Whether fetching this item sets {@code \Seen} (RFC 3501: non-PEEK body sections, RFC822, RFC822.TEXT). */
    default boolean setsSeen() {
        return false;
    }

    Flags FLAGS = new Flags();
    InternalDate INTERNAL_DATE = new InternalDate();
    Rfc822 RFC822 = new Rfc822();
    Rfc822Header RFC822_HEADER = new Rfc822Header();
    Rfc822Size RFC822_SIZE = new Rfc822Size();
    Rfc822Text RFC822_TEXT = new Rfc822Text();
    Envelope ENVELOPE = new Envelope();
    Body BODY = new Body();
    BodyStructure BODY_STRUCTURE = new BodyStructure();
    Uid UID = new Uid();
    Modseq MODSEQ = new Modseq();

    record Flags() implements FetchAttribute {
        public String responseName() {
            return "FLAGS";
        }
    }

    record InternalDate() implements FetchAttribute {
        public String responseName() {
            return "INTERNALDATE";
        }
    }

    record Rfc822() implements FetchAttribute {
        public String responseName() {
            return "RFC822";
        }

        @Override
        public boolean setsSeen() {
            return true;
        }
    }

    record Rfc822Header() implements FetchAttribute {
        public String responseName() {
            return "RFC822.HEADER";
        }
    }

    record Rfc822Size() implements FetchAttribute {
        public String responseName() {
            return "RFC822.SIZE";
        }
    }

    record Rfc822Text() implements FetchAttribute {
        public String responseName() {
            return "RFC822.TEXT";
        }

        @Override
        public boolean setsSeen() {
            return true;
        }
    }

    record Envelope() implements FetchAttribute {
        public String responseName() {
            return "ENVELOPE";
        }
    }

    /** {@code BODY} without a section: the non-extensible BODYSTRUCTURE. */
    record Body() implements FetchAttribute {
        public String responseName() {
            return "BODY";
        }
    }

    record BodyStructure() implements FetchAttribute {
        public String responseName() {
            return "BODYSTRUCTURE";
        }
    }

    record Uid() implements FetchAttribute {
        public String responseName() {
            return "UID";
        }
    }

    /** RFC 7162 {@code MODSEQ}: the message's mod-sequence, as {@code MODSEQ (n)}. */
    record Modseq() implements FetchAttribute {
        public String responseName() {
            return "MODSEQ";
        }
    }

    /**
     * {@code BODY[section]<start.length>} or {@code BODY.PEEK[...]}.
     *
     * @param partialStart  origin octet of {@code <start.length>}, null when not partial
     * @param partialLength octet count of {@code <start.length>}, null when not partial
     */
    record BodySection(SectionSpec section, boolean peek, Long partialStart, Long partialLength)
            implements FetchAttribute {

        public BodySection {
            if ((partialStart == null) != (partialLength == null)) {
                throw new IllegalArgumentException("partial needs both start and length");
            }
        }

        /** RFC 3501: the response names {@code BODY[section]<origin>}, without the length and never PEEK. */
        public String responseName() {
            String name = "BODY[" + section + "]";
            return partialStart == null ? name : name + "<" + partialStart + ">";
        }

        @Override
        public boolean setsSeen() {
            return !peek;
        }
    }
}
