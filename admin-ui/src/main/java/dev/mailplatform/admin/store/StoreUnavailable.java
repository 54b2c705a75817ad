package dev.mailplatform.admin.store;

/** The store did not answer (down, unreachable, or past the deadline): the console says so and recovers later. */
public class StoreUnavailable extends RuntimeException {
    public StoreUnavailable(String message, Throwable cause) {
        super(message, cause);
    }
}
