package dev.mailplatform.store.domain;

import java.util.List;

/**
 * SEARCH criteria as a tree ({@link SearchQuery} turns it into SQL, and bounds its depth and size). Strings are
 * the client's; a date is "yyyy-mm-dd" as given, checked when translated.
 */
public sealed interface SearchKey {

    /** The deepest nesting, and the most keys, that a criteria tree may have. */
    int MAX_DEPTH = 64;
    int MAX_KEYS = 1000;

    /** Every message (also what an empty key means). */
    record All() implements SearchKey {
    }

    record And(List<SearchKey> keys) implements SearchKey {
    }

    record Or(List<SearchKey> keys) implements SearchKey {
    }

    record Not(SearchKey key) implements SearchKey {
    }

    record Uids(UidSet uids) implements SearchKey {
    }

    /** Messages with all the flags and keywords, or ({@code absent}) with none of them. */
    record FlagTest(int system, List<String> keywords, boolean absent) implements SearchKey {
    }

    /** Which date a {@link DateTest} compares. */
    enum DateField {
        INTERNAL, SENT, SAVE
    }

    /** BEFORE, ON, SINCE; UNKNOWN stands for an operator the caller sent that has no meaning here (refused). */
    enum DateOp {
        BEFORE, ON, SINCE, UNKNOWN
    }

    record DateTest(DateField field, DateOp op, String date) implements SearchKey {
    }

    record SizeTest(boolean larger, long size) implements SearchKey {
    }

    record Header(String field, String value) implements SearchKey {
    }

    record Body(String text) implements SearchKey {
    }

    /** The text in the header or the body. */
    record Text(String text) implements SearchKey {
    }

    record ModseqAtLeast(long modseq) implements SearchKey {
    }

    /** OLDER/YOUNGER (RFC 5032): the internal date before, or at and after, now minus {@code seconds}. */
    record Age(long seconds, boolean older) implements SearchKey {
    }
}
