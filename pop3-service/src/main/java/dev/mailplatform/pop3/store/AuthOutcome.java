package dev.mailplatform.pop3.store;

/** The store's answer to a login: the account on success, otherwise how long to hold back the -ERR. */
public record AuthOutcome(Result result, long accountId, String address, int delayMs) {

    public enum Result {
        OK, INVALID_CREDENTIALS, ACCOUNT_DISABLED
    }
}
