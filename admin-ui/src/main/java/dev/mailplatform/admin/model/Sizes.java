package dev.mailplatform.admin.model;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Byte sizes as people write and read them: "1.5 GiB", "500M", "1048576". */
public final class Sizes {

    private static final Pattern SIZE = Pattern.compile("^\\s*(\\d+(?:\\.\\d+)?)\\s*([kmgtp]?)(?:i?b)?\\s*$",
            Pattern.CASE_INSENSITIVE);
    private static final String UNITS = "KMGTP";

    private Sizes() {
    }

    /** Parses a size; units are binary (K = 1024). Throws IllegalArgumentException with a message for a person. */
    public static long parse(String text) {
        Matcher m = SIZE.matcher(text == null ? "" : text);
        if (!m.matches()) {
            throw new IllegalArgumentException("write a size such as 500M, 2G or 1073741824 (0 for unlimited)");
        }
        double n = Double.parseDouble(m.group(1));
        String unit = m.group(2).toUpperCase(Locale.ROOT);
        int shift = unit.isEmpty() ? 0 : 10 * (UNITS.indexOf(unit) + 1);
        double bytes = n * Math.pow(2, shift);
        if (bytes > (double) Limits.MAX_STORAGE) {
            throw new IllegalArgumentException("at most 1 PiB");
        }
        return Math.round(bytes);
    }

    /** For a form field: exact, in the largest unit that divides it ("2G", "1536M", "1000"). */
    public static String field(long bytes) {
        if (bytes == 0) {
            return "0";
        }
        for (int u = UNITS.length() - 1; u >= 0; u--) {
            long unit = 1L << (10 * (u + 1));
            if (bytes % unit == 0) {
                return (bytes / unit) + String.valueOf(UNITS.charAt(u));
            }
        }
        return Long.toString(bytes);
    }

    public static String format(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        int u = -1;
        double v = bytes;
        while (v >= 1024 && u < UNITS.length() - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, v >= 100 ? "%.0f %siB" : "%.1f %siB", v, UNITS.charAt(u));
    }
}
