package dev.mailplatform.pop3.session;

/** RFC 1939 §3. */
public enum SessionState {
    AUTHORIZATION, TRANSACTION, UPDATE
}
