package dev.mailplatform.store.domain;

import dev.mailplatform.store.error.StoreException;
import dev.mailplatform.store.v1.UidRange;
import dev.mailplatform.store.v1.UidSet;
import java.util.List;

/** Turns a UidSet into an SQL predicate with bound parameters. */
public final class UidSets {

    public static final long MAX_UID = 0xFFFFFFFFL;
    private static final int MAX_RANGES = 100_000;

    private UidSets() {
    }

    public static void validate(UidSet set) {
        if (set.getRangesCount() > MAX_RANGES) {
            throw StoreException.invalid("UID set has more than " + MAX_RANGES + " ranges");
        }
        for (UidRange r : set.getRangesList()) {
            long first = Integer.toUnsignedLong(r.getFirst());
            long last = Integer.toUnsignedLong(r.getLast());
            if (first == 0 || last == 0) {
                throw StoreException.invalid("UID 0 is not valid");
            }
            if (first > last) {
                throw StoreException.invalid("UID range " + first + ":" + last + " is reversed");
            }
        }
    }

    /**
     * Appends "(col BETWEEN ? AND ? OR …)" for a few ranges, or an unnest join for many, and adds the parameters.
     */
    public static String predicate(String column, UidSet set, List<Object> params) {
        validate(set);
        if (set.getRangesCount() == 0) {
            return "FALSE";
        }
        if (set.getRangesCount() <= 32) {
            StringBuilder sb = new StringBuilder("(");
            for (int i = 0; i < set.getRangesCount(); i++) {
                UidRange r = set.getRanges(i);
                if (i > 0) {
                    sb.append(" OR ");
                }
                if (r.getFirst() == r.getLast()) {
                    sb.append(column).append(" = ?");
                    params.add(Integer.toUnsignedLong(r.getFirst()));
                } else {
                    sb.append(column).append(" BETWEEN ? AND ?");
                    params.add(Integer.toUnsignedLong(r.getFirst()));
                    params.add(Integer.toUnsignedLong(r.getLast()));
                }
            }
            return sb.append(')').toString();
        }
        Long[] firsts = new Long[set.getRangesCount()];
        Long[] lasts = new Long[set.getRangesCount()];
        for (int i = 0; i < firsts.length; i++) {
            firsts[i] = Integer.toUnsignedLong(set.getRanges(i).getFirst());
            lasts[i] = Integer.toUnsignedLong(set.getRanges(i).getLast());
        }
        params.add(firsts);
        params.add(lasts);
        return "EXISTS (SELECT 1 FROM unnest(?::bigint[], ?::bigint[]) AS r(f, l) WHERE " + column
                + " BETWEEN r.f AND r.l)";
    }

    public static UidSet of(long... uids) {
        UidSet.Builder b = UidSet.newBuilder();
        for (long u : uids) {
            b.addRanges(UidRange.newBuilder().setFirst((int) u).setLast((int) u));
        }
        return b.build();
    }
}
