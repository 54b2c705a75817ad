package dev.mailplatform.imap.protocol;

import java.time.LocalDate;
import java.util.List;

/** A SEARCH criterion tree. Flag-like keys are normalised to {@link Flag} with canonical system flag names. */
public sealed interface SearchKey {

    All ALL = new All();

    record All() implements SearchKey {
    }

    /** Every key matches; the top level of a SEARCH and each parenthesised group. */
    record And(List<SearchKey> keys) implements SearchKey {
        public And {
            keys = List.copyOf(keys);
        }
    }

    record Or(SearchKey left, SearchKey right) implements SearchKey {
    }

    record Not(SearchKey key) implements SearchKey {
    }

    /** A system flag ({@code \Seen}, {@code \Recent}, ...) or a keyword, present or absent. */
    record Flag(String flag, boolean present) implements SearchKey {
    }

    enum Field {
        BCC, BODY, CC, FROM, SUBJECT, TEXT, TO
    }

    /** Substring match, case-insensitive per RFC 3501. */
    record Text(Field field, String value) implements SearchKey {
    }

    record Header(String name, String value) implements SearchKey {
    }

    enum DateField {
        /** The internal date. */
        INTERNAL,
        /** The Date: header. */
        SENT
    }

    enum Comparison {
        BEFORE, ON, SINCE
    }

    record Date(DateField field, Comparison cmp, LocalDate date) implements SearchKey {
    }

    /** {@code LARGER n} when {@code larger}, else {@code SMALLER n}. */
    record Size(boolean larger, long octets) implements SearchKey {
    }

    record Uids(SequenceSet set) implements SearchKey {
    }

    record Sequence(SequenceSet set) implements SearchKey {
    }

    /** RFC 7162 MODSEQ: messages whose mod-sequence is at least {@code modseq}. */
    record ModSeq(long modseq) implements SearchKey {
    }

    /** RFC 5032 {@code OLDER n} ({@code older}) or {@code YOUNGER n}: the internal date against now minus n seconds. */
    record Age(long seconds, boolean older) implements SearchKey {
    }
}
