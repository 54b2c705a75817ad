package dev.mailplatform.imap.session;

/** RFC 3501 §3 connection states. */
public enum SessionState {
    NOT_AUTHENTICATED, AUTHENTICATED, SELECTED, LOGOUT
}
