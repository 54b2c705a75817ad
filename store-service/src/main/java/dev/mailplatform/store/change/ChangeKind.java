package dev.mailplatform.store.change;

/**
 * What changed. {@link #code} is the number in the NOTIFY payload that every replica reads (and the wire's
 * ChangeKind number), so a kind keeps its code.
 */
public enum ChangeKind {
    WATCH_READY(0), MESSAGES_ADDED(1), FLAGS_CHANGED(2), MESSAGES_EXPUNGED(3), MAILBOX_CREATED(4),
    MAILBOX_DELETED(5), MAILBOX_RENAMED(6), ACCOUNT_CHANGED(7);

    private static final ChangeKind[] BY_CODE = values();

    public final int code;

    ChangeKind(int code) {
        this.code = code;
    }

    /** The kind of a payload's code; IllegalArgumentException for a code this replica does not know. */
    public static ChangeKind of(int code) {
        if (code < 0 || code >= BY_CODE.length || BY_CODE[code].code != code) {
            throw new IllegalArgumentException("unknown change kind " + code);
        }
        return BY_CODE[code];
    }
}
