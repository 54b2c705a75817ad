package dev.mailplatform.store.domain;

import java.util.ArrayList;
import java.util.List;

/** A set of UIDs as the client gave it: inclusive ranges, in its order, not yet validated ({@link UidSets}). */
public record UidSet(List<Range> ranges) {

    /** first..last, both inclusive; UIDs are unsigned 32-bit values. */
    public record Range(long first, long last) {
    }

    public UidSet {
        ranges = List.copyOf(ranges);
    }

    public static UidSet of(long... uids) {
        List<Range> out = new ArrayList<>(uids.length);
        for (long u : uids) {
            out.add(new Range(u, u));
        }
        return new UidSet(out);
    }
}
