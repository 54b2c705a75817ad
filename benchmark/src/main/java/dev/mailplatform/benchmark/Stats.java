package dev.mailplatform.benchmark;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** Latencies and errors per command name, from many threads. */
public final class Stats {

    /** Latencies of one command, in nanoseconds, plus its error count. */
    public static final class Series {
        private long[] nanos = new long[1024];
        private int count;
        private long errors;

        public synchronized void add(long latencyNanos) {
            if (count == nanos.length) {
                nanos = Arrays.copyOf(nanos, count * 2);
            }
            nanos[count++] = latencyNanos;
        }

        public synchronized void error() {
            errors++;
        }

        public synchronized int count() {
            return count;
        }

        public synchronized long errors() {
            return errors;
        }

        /** The q-quantile (0..1) by the nearest-rank method, in milliseconds; NaN when empty. */
        public synchronized double percentileMillis(double q) {
            return percentile(Arrays.copyOf(nanos, count), q) / 1e6;
        }
    }

    private final Map<String, Series> series = new ConcurrentHashMap<>();

    public Series of(String command) {
        return series.computeIfAbsent(command, k -> new Series());
    }

    public Map<String, Series> all() {
        return new TreeMap<>(series);
    }

    public long totalCount() {
        return series.values().stream().mapToLong(Series::count).sum();
    }

    public long totalErrors() {
        return series.values().stream().mapToLong(Series::errors).sum();
    }

    /** Nearest-rank percentile: the smallest value with at least q of the values at or below it; NaN when empty. */
    static double percentile(long[] values, double q) {
        if (values.length == 0) {
            return Double.NaN;
        }
        if (q < 0 || q > 1) {
            throw new IllegalArgumentException("quantile out of 0..1: " + q);
        }
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }
}
