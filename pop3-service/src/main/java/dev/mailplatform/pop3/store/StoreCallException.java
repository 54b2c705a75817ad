package dev.mailplatform.pop3.store;

import dev.mailplatform.protocol.StoreFailure;

/** A failed store call, already reduced to the few cases a POP3 reply distinguishes. */
public final class StoreCallException extends RuntimeException {

    private final StoreFailure failure;

    public StoreCallException(Throwable cause) {
        super(StoreFailure.message(cause), cause, false, false);
        this.failure = StoreFailure.of(cause);
    }

    public StoreFailure failure() {
        return failure;
    }

    /** The store's LOGIN-DELAY refusal (FAILED_PRECONDITION "login-delay: ..."), see quota_pop3.proto. */
    public boolean loginDelay() {
        return failure == StoreFailure.CANNOT && getMessage() != null && getMessage().startsWith("login-delay");
    }

    static StoreCallException wrap(Throwable t) {
        return t instanceof StoreCallException e ? e : new StoreCallException(t);
    }
}
