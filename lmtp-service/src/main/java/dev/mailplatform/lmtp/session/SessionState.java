package dev.mailplatform.lmtp.session;

/** Where a session is between commands; DATA and BDAT transfers are tracked by {@link Transaction}. */
public enum SessionState {
    /** Connected (or just after STARTTLS): LHLO first. */
    GREETED,
    /** After LHLO, no transaction. */
    READY,
    /** After MAIL FROM: recipients, then the data. */
    MAIL
}
