package dev.mailplatform.store.error;

import java.util.Map;

/** A failure the client caused or can act on; mapped once to a gRPC status at the boundary. */
public final class StoreException extends RuntimeException {

    public enum Kind {
        INVALID_ARGUMENT,
        NOT_FOUND,
        ALREADY_EXISTS,
        FAILED_PRECONDITION,
        /** Over quota or over the maximum message size. */
        RESOURCE_EXHAUSTED,
        /** The POP3 maildrop is held by another session. */
        LOCKED,
        UNAVAILABLE,
        /** The call was cancelled (its client went away, or its deadline passed): nobody waits for the answer. */
        CANCELLED
    }

    /** The trailer that marks a RESOURCE_EXHAUSTED as a server limit, not a quota or a size: its value names it. */
    public static final String LIMIT_TRAILER = "x-limit";

    /**
     * The trailer of a NOT_FOUND that says what is missing, where the caller must tell them apart: "message" (a UID
     * no longer there) against a missing part of a message that is (no trailer).
     */
    public static final String MISSING_TRAILER = "x-missing";

    private final Kind kind;
    private final Map<String, String> details;

    public StoreException(Kind kind, String message) {
        this(kind, message, Map.of());
    }

    public StoreException(Kind kind, String message, Map<String, String> details) {
        super(message, null, false, false);
        this.kind = kind;
        this.details = details;
    }

    public Kind kind() {
        return kind;
    }

    /** Extra key/values sent as trailers, e.g. the quota figures. */
    public Map<String, String> details() {
        return details;
    }

    public static StoreException invalid(String message) {
        return new StoreException(Kind.INVALID_ARGUMENT, message);
    }

    public static StoreException notFound(String message) {
        return new StoreException(Kind.NOT_FOUND, message);
    }

    /** No message with this UID in the mailbox (which exists): {@link #MISSING_TRAILER} "message". */
    public static StoreException noMessage(long uid) {
        return new StoreException(Kind.NOT_FOUND, "no message with UID " + uid, Map.of(MISSING_TRAILER, "message"));
    }

    public static StoreException exists(String message) {
        return new StoreException(Kind.ALREADY_EXISTS, message);
    }

    public static StoreException precondition(String message) {
        return new StoreException(Kind.FAILED_PRECONDITION, message);
    }

    public static StoreException cancelled() {
        return new StoreException(Kind.CANCELLED, "the call was cancelled");
    }

    /** The call's SQL ran past the statement timeout of its class. */
    public static StoreException statementTimeout() {
        return new StoreException(Kind.RESOURCE_EXHAUSTED, "the operation takes longer than this server allows",
                Map.of(LIMIT_TRAILER, "statement-timeout"));
    }
}
