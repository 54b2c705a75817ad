package dev.mailplatform.imap.session;

/**
 * The one deadline a session has at a time: the login timeout before authentication (absolute from the connect),
 * the inactivity autologout after it (RFC 3501 §5.4). Arming it again replaces the previous deadline.
 */
final class SessionTimer {

    private final ImapConnection connection;
    private long timer = -1;

    SessionTimer(ImapConnection connection) {
        this.connection = connection;
    }

    void arm(long delayMs, Runnable expired) {
        cancel();
        timer = connection.setTimer(delayMs, () -> {
            timer = -1;
            expired.run();
        });
    }

    void cancel() {
        if (timer >= 0) {
            connection.cancelTimer(timer);
            timer = -1;
        }
    }
}
