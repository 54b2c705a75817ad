package dev.mailplatform.imap.session;

import java.util.List;

/**
 * The CAPABILITY text (RFC 3501 §7.2.1), derived from the command registry and the session's state: a command that
 * is not registered is never advertised.
 */
final class Capabilities {

    private Capabilities() {
    }

    static String of(List<String> registered, SessionState state, boolean startTlsAvailable,
            boolean plaintextAllowed, long appendLimit) {
        StringBuilder caps = new StringBuilder("IMAP4rev1");
        if (state == SessionState.NOT_AUTHENTICATED) {
            if (startTlsAvailable && registered.contains("STARTTLS")) {
                caps.append(" STARTTLS");
            }
            if (plaintextAllowed) {
                caps.append(" AUTH=PLAIN AUTH=LOGIN");
            } else {
                caps.append(" LOGINDISABLED");
            }
            if (registered.contains("SASL-IR")) {
                caps.append(" SASL-IR");
            }
        }
        caps.append(" LITERAL+");
        for (String c : registered) {
            switch (c) {
                case "STARTTLS", "SASL-IR" -> {
                    // Before authentication only, above.
                }
                case "APPENDLIMIT" -> caps.append(" APPENDLIMIT=").append(appendLimit);
                default -> caps.append(' ').append(c);
            }
        }
        return caps.toString();
    }
}
