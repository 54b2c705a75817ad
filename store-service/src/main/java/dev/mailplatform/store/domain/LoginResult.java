package dev.mailplatform.store.domain;

/**
 * What a login check answers. The account, and the quota alert (null when the account is below
 * {@code mail.quota.alert-percent}), are set only for {@link Outcome#OK}; the failure counts, the delay and
 * throttled only for {@link Outcome#INVALID_CREDENTIALS}.
 */
public record LoginResult(Outcome outcome, MailAccount account, int failuresForIp, int failuresForUser, int delayMs,
        boolean throttled, String quotaAlert) {

    public enum Outcome {
        OK,
        /** Unknown user or wrong password: the two are deliberately indistinguishable. */
        INVALID_CREDENTIALS,
        /** The right password, but the account is disabled. */
        ACCOUNT_DISABLED
    }

    static LoginResult ok(MailAccount account, String quotaAlert) {
        return new LoginResult(Outcome.OK, account, 0, 0, 0, false, quotaAlert);
    }

    static LoginResult disabled() {
        return new LoginResult(Outcome.ACCOUNT_DISABLED, null, 0, 0, 0, false, null);
    }

    static LoginResult invalid(int failuresForIp, int failuresForUser, int delayMs, boolean throttled) {
        return new LoginResult(Outcome.INVALID_CREDENTIALS, null, failuresForIp, failuresForUser, delayMs, throttled, null);
    }
}
