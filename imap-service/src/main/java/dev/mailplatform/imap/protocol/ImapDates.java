package dev.mailplatform.imap.protocol;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * IMAP's {@code date} ({@code 1-Feb-1994}) and {@code date-time} ({@code "dd-MMM-yyyy HH:mm:ss +hhmm"}). Done by hand
 * because month names must be English regardless of the JVM locale and matched case-insensitively.
 */
public final class ImapDates {

    private static final String[] MONTHS =
            {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

    private ImapDates() {
    }

    /** Parses {@code date-text} ({@code d-MMM-yyyy}, one- or two-digit day), without quotes. */
    public static LocalDate parseDate(String text) {
        int dash1 = text.indexOf('-');
        if (dash1 < 1 || dash1 > 2 || text.length() != dash1 + 9 || text.charAt(dash1 + 4) != '-') {
            throw new IllegalArgumentException("invalid date");
        }
        int day = digits(text, 0, dash1);
        int month = month(text.substring(dash1 + 1, dash1 + 4));
        int year = digits(text, dash1 + 5, dash1 + 9);
        try {
            return LocalDate.of(year, month, day);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("invalid date");
        }
    }

    /**
     * Parses the content of a {@code date-time} string (without the quotes). The day is accepted as two digits, a
     * space and a digit, or (leniently) a single digit.
     */
    public static OffsetDateTime parseDateTime(String text) {
        String s = text.startsWith(" ") ? text.substring(1) : text;
        int dash1 = s.indexOf('-');
        if (dash1 < 1 || dash1 > 2 || s.length() != dash1 + 24) {
            throw new IllegalArgumentException("invalid date-time");
        }
        int p = dash1;
        if (s.charAt(p + 4) != '-' || s.charAt(p + 9) != ' ' || s.charAt(p + 12) != ':' || s.charAt(p + 15) != ':'
                || s.charAt(p + 18) != ' ') {
            throw new IllegalArgumentException("invalid date-time");
        }
        int day = digits(s, 0, p);
        int month = month(s.substring(p + 1, p + 4));
        int year = digits(s, p + 5, p + 9);
        int hour = digits(s, p + 10, p + 12);
        int minute = digits(s, p + 13, p + 15);
        int second = digits(s, p + 16, p + 18);
        char sign = s.charAt(p + 19);
        if (sign != '+' && sign != '-') {
            throw new IllegalArgumentException("invalid date-time zone");
        }
        int zh = digits(s, p + 20, p + 22);
        int zm = digits(s, p + 22, p + 24);
        try {
            int offsetSeconds = (zh * 3600 + zm * 60) * (sign == '-' ? -1 : 1);
            return OffsetDateTime.of(year, month, day, hour, minute, second, 0,
                    ZoneOffset.ofTotalSeconds(offsetSeconds));
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("invalid date-time");
        }
    }

    /** {@code date-time} content, day space-padded as {@code date-day-fixed}: {@code " 1-Feb-1994 21:52:25 -0800"}. */
    public static String formatDateTime(OffsetDateTime t) {
        StringBuilder sb = new StringBuilder(26);
        if (t.getDayOfMonth() < 10) {
            sb.append(' ');
        }
        sb.append(t.getDayOfMonth()).append('-').append(MONTHS[t.getMonthValue() - 1]).append('-');
        pad(sb, t.getYear(), 4).append(' ');
        pad(sb, t.getHour(), 2).append(':');
        pad(sb, t.getMinute(), 2).append(':');
        pad(sb, t.getSecond(), 2).append(' ');
        int offset = t.getOffset().getTotalSeconds();
        sb.append(offset < 0 ? '-' : '+');
        offset = Math.abs(offset) / 60;
        pad(sb, offset / 60, 2);
        pad(sb, offset % 60, 2);
        return sb.toString();
    }

    public static String formatDateTime(Instant instant, ZoneOffset offset) {
        return formatDateTime(instant.atOffset(offset));
    }

    /** {@code date-text}: {@code 1-Feb-1994}. */
    public static String formatDate(LocalDate date) {
        StringBuilder sb = new StringBuilder(11);
        sb.append(date.getDayOfMonth()).append('-').append(MONTHS[date.getMonthValue() - 1]).append('-');
        return pad(sb, date.getYear(), 4).toString();
    }

    private static StringBuilder pad(StringBuilder sb, int value, int width) {
        String s = Integer.toString(value);
        for (int i = s.length(); i < width; i++) {
            sb.append('0');
        }
        return sb.append(s);
    }

    private static int month(String name) {
        for (int i = 0; i < MONTHS.length; i++) {
            if (MONTHS[i].equalsIgnoreCase(name)) {
                return i + 1;
            }
        }
        throw new IllegalArgumentException("invalid month " + name);
    }

    private static int digits(String s, int from, int to) {
        int v = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                throw new IllegalArgumentException("invalid date");
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
