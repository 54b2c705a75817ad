package dev.mailplatform.admin.model;

/** The bounds admin-ui checks before asking the store (which checks them again). */
public final class Limits {

    /** 1 PiB: the store refuses larger limits as typing errors. */
    public static final long MAX_STORAGE = 1L << 50;
    public static final long MAX_MESSAGES = 1L << 50;
    public static final int MAX_RETENTION_DAYS = 36500;

    private Limits() {
    }

    public static void storage(Invalid.Collector errors, String field, Long v) {
        if (v != null && (v < 0 || v > MAX_STORAGE)) {
            errors.add(field, "must be 0 (unlimited) to " + MAX_STORAGE + " bytes; " + v + " is not");
        }
    }

    public static void messages(Invalid.Collector errors, String field, Long v) {
        if (v != null && (v < 0 || v > MAX_MESSAGES)) {
            errors.add(field, "must be 0 (unlimited) or a positive number of messages; " + v + " is not");
        }
    }

    public static void retention(Invalid.Collector errors, String field, Integer v) {
        if (v != null && (v < -1 || v > MAX_RETENTION_DAYS)) {
            errors.add(field, "must be -1 (keep for ever) or 0.." + MAX_RETENTION_DAYS + " days; " + v + " is not");
        }
    }
}
