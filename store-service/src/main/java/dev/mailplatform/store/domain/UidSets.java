package dev.mailplatform.store.domain;

import dev.mailplatform.store.error.StoreException;
import java.util.List;

/** Turns a UidSet into an SQL predicate with bound parameters. */
public final class UidSets {

    public static final long MAX_UID = 0xFFFFFFFFL;
    private static final int MAX_RANGES = 100_000;

    private UidSets() {
    }

    public static void validate(UidSet set) {
        if (set.ranges().size() > MAX_RANGES) {
            throw StoreException.invalid("UID set has more than " + MAX_RANGES + " ranges");
        }
        for (UidSet.Range r : set.ranges()) {
            long first = r.first();
            long last = r.last();
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
        List<UidSet.Range> ranges = set.ranges();
        if (ranges.isEmpty()) {
            return "FALSE";
        }
        if (ranges.size() <= 32) {
            StringBuilder sb = new StringBuilder("(");
            for (int i = 0; i < ranges.size(); i++) {
                UidSet.Range r = ranges.get(i);
                if (i > 0) {
                    sb.append(" OR ");
                }
                if (r.first() == r.last()) {
                    sb.append(column).append(" = ?");
                    params.add(r.first());
                } else {
                    sb.append(column).append(" BETWEEN ? AND ?");
                    params.add(r.first());
                    params.add(r.last());
                }
            }
            return sb.append(')').toString();
        }
        Long[] firsts = new Long[ranges.size()];
        Long[] lasts = new Long[ranges.size()];
        for (int i = 0; i < firsts.length; i++) {
            firsts[i] = ranges.get(i).first();
            lasts[i] = ranges.get(i).last();
        }
        params.add(firsts);
        params.add(lasts);
        return "EXISTS (SELECT 1 FROM unnest(?::bigint[], ?::bigint[]) AS r(f, l) WHERE " + column
                + " BETWEEN r.f AND r.l)";
    }
}
