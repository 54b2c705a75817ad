package dev.mailplatform.imap.protocol;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.stream.LongStream;

/**
 * An IMAP sequence set ({@code 1:3,5,7:*}) of message sequence numbers or UIDs.
 *
 * <p>As parsed, ranges keep the client's order and direction and {@code *} is {@link #STAR}, because its value is only
 * known against a mailbox. {@link #resolve(long)} gives the normalised form: {@code *} replaced, each range low..high,
 * sorted, merged.
 *
 * <p>{@link #SAVED} is RFC 5182's {@code $}, the result the last {@code SEARCH RETURN (SAVE)} kept: it has no ranges
 * of its own, and only the selected mailbox can say which messages it names.
 */
public record SequenceSet(List<Range> ranges, boolean saved) {

    /** {@code $}: the saved search result (RFC 5182). */
    public static final SequenceSet SAVED = new SequenceSet(List.of(), true);

    /** Stands for {@code *} in an unresolved range. */
    public static final long STAR = Long.MAX_VALUE;

    /** Largest nz-number: sequence numbers and UIDs are 32-bit unsigned. */
    public static final long MAX_NUMBER = 4_294_967_295L;

    /** One {@code a:b} element, or a single number when {@code from == to}. */
    public record Range(long from, long to) {
        public Range {
            if (!valid(from) || !valid(to)) {
                throw new IllegalArgumentException("sequence number out of range");
            }
        }

        private static boolean valid(long n) {
            return n == STAR || (n >= 1 && n <= MAX_NUMBER);
        }

        public long low() {
            return Math.min(from, to);
        }

        public long high() {
            return Math.max(from, to);
        }

        @Override
        public String toString() {
            return from == to ? render(from) : render(from) + ":" + render(to);
        }
    }

    public SequenceSet {
        ranges = List.copyOf(ranges);
        if (saved && !ranges.isEmpty()) {
            throw new IllegalArgumentException("$ has no ranges of its own");
        }
    }

    public SequenceSet(List<Range> ranges) {
        this(ranges, false);
    }

    public static SequenceSet of(long... numbers) {
        List<Range> out = new ArrayList<>();
        for (long n : numbers) {
            out.add(new Range(n, n));
        }
        return new SequenceSet(out).resolve(STAR);
    }

    /**
     * Parses {@code sequence-set} of RFC 3501.
     *
     * @throws IllegalArgumentException with the reason, for 0, numbers above 2^32-1, empty elements or stray text
     */
    public static SequenceSet parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("empty sequence set");
        }
        List<Range> out = new ArrayList<>();
        for (String element : text.split(",", -1)) {
            int colon = element.indexOf(':');
            if (colon < 0) {
                long n = parseNumber(element);
                out.add(new Range(n, n));
            } else {
                out.add(new Range(parseNumber(element.substring(0, colon)), parseNumber(element.substring(colon + 1))));
            }
        }
        return new SequenceSet(out);
    }

    private static long parseNumber(String s) {
        if (s.equals("*")) {
            return STAR;
        }
        if (s.isEmpty() || s.length() > 10 || s.charAt(0) == '0') {
            throw new IllegalArgumentException(s.isEmpty() ? "empty sequence number" : "invalid sequence number " + s);
        }
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                throw new IllegalArgumentException("invalid sequence number " + s);
            }
            n = n * 10 + (c - '0');
        }
        if (n > MAX_NUMBER) {
            throw new IllegalArgumentException("sequence number too large");
        }
        return n;
    }

    public boolean isStarOnly() {
        return ranges.size() == 1 && ranges.get(0).from() == STAR && ranges.get(0).to() == STAR;
    }

    public boolean containsStar() {
        return ranges.stream().anyMatch(r -> r.from() == STAR || r.to() == STAR);
    }

    /**
     * The normalised set with {@code *} taken as {@code largest} (the highest sequence number or UID in use; 0 for an
     * empty mailbox, in which case ranges that only named {@code *} vanish). As RFC 3501 requires, {@code 559:*}
     * still includes {@code largest} when 559 is above it.
     */
    public SequenceSet resolve(long largest) {
        if (saved) {
            throw new IllegalStateException("$ is resolved against the selected mailbox's saved result");
        }
        if (largest < 0) {
            throw new IllegalArgumentException("largest must not be negative");
        }
        List<long[]> spans = new ArrayList<>();
        for (Range r : ranges) {
            long a = r.from() == STAR ? largest : r.from();
            long b = r.to() == STAR ? largest : r.to();
            long lo = Math.max(1, Math.min(a, b));
            long hi = Math.max(a, b);
            if (hi >= 1) {
                spans.add(new long[] {lo, hi});
            }
        }
        spans.sort((x, y) -> Long.compare(x[0], y[0]));
        List<Range> merged = new ArrayList<>();
        long lo = -1;
        long hi = -1;
        for (long[] s : spans) {
            if (lo >= 0 && s[0] <= hi + 1) {
                hi = Math.max(hi, s[1]);
            } else {
                if (lo >= 0) {
                    merged.add(new Range(lo, hi));
                }
                lo = s[0];
                hi = s[1];
            }
        }
        if (lo >= 0) {
            merged.add(new Range(lo, hi));
        }
        return new SequenceSet(merged);
    }

    public boolean contains(long n, long largest) {
        if (saved) {
            throw new IllegalStateException("$ is resolved against the selected mailbox's saved result");
        }
        for (Range r : ranges) {
            long a = r.from() == STAR ? largest : r.from();
            long b = r.to() == STAR ? largest : r.to();
            if (n >= Math.min(a, b) && n <= Math.max(a, b)) {
                return true;
            }
        }
        return false;
    }

    public boolean isEmpty() {
        return ranges.isEmpty();
    }

    /** Number of distinct values; only meaningful on a resolved set. */
    public long count() {
        long total = 0;
        for (Range r : ranges) {
            total += r.high() - r.low() + 1;
        }
        return total;
    }

    /** The values in ascending order; only meaningful on a resolved set. */
    public LongStream values() {
        return ranges.stream().flatMapToLong(r -> LongStream.rangeClosed(r.low(), r.high()));
    }

    /** Renders numbers (any order, duplicates allowed) as a compact set such as {@code 1:3,7}, e.g. for COPYUID. */
    public static String compact(Collection<Long> values) {
        return compact(values.stream().mapToLong(Long::longValue).toArray());
    }

    public static String compact(long[] values) {
        long[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        StringBuilder sb = new StringBuilder();
        int i = 0;
        while (i < sorted.length) {
            int j = i;
            while (j + 1 < sorted.length && sorted[j + 1] <= sorted[j] + 1) {
                j++;
            }
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(sorted[i]);
            if (sorted[j] != sorted[i]) {
                sb.append(':').append(sorted[j]);
            }
            i = j + 1;
        }
        return sb.toString();
    }

    private static String render(long n) {
        return n == STAR ? "*" : Long.toString(n);
    }

    /** IMAP syntax, as written by the client for a parsed set. */
    @Override
    public String toString() {
        if (saved) {
            return "$";
        }
        StringBuilder sb = new StringBuilder();
        for (Range r : ranges) {
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(r);
        }
        return sb.toString();
    }
}
