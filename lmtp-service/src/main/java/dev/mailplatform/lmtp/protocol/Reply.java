package dev.mailplatform.lmtp.protocol;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** An LMTP reply: a code, an enhanced status code (RFC 3463) and text; multi-line for LHLO. */
public record Reply(int code, String enhanced, String text) {

    // The replies this server sends, in one place.
    public static final Reply OK = new Reply(250, "2.0.0", "Ok");
    public static final Reply SENDER_OK = new Reply(250, "2.1.0", "Sender ok");
    public static final Reply RECIPIENT_OK = new Reply(250, "2.1.5", "Recipient ok");
    public static final Reply START_DATA = new Reply(354, "", "Start mail input; end with <CRLF>.<CRLF>");
    public static final Reply BYE = new Reply(221, "2.0.0", "Bye");
    public static final Reply READY_TLS = new Reply(220, "2.0.0", "Ready to start TLS");
    public static final Reply UNKNOWN_USER = new Reply(550, "5.1.1", "No such user here");
    public static final Reply DISABLED = new Reply(550, "5.2.1", "Mailbox disabled, not accepting messages");
    public static final Reply OVER_QUOTA = new Reply(552, "5.2.2", "Mailbox full");
    public static final Reply OVER_QUOTA_TEMP = new Reply(452, "4.2.2", "Mailbox full, try again later");
    public static final Reply STORE_DOWN = new Reply(451, "4.3.0", "Temporary failure, try again later");
    public static final Reply BAD_ADDRESS = new Reply(501, "5.1.3", "Bad recipient address syntax");
    public static final Reply BAD_SENDER = new Reply(501, "5.1.7", "Bad sender address syntax");
    public static final Reply LINE_TOO_LONG = new Reply(500, "5.5.2", "Line too long");
    public static final Reply BAD_SEQUENCE = new Reply(503, "5.5.1", "Bad sequence of commands");
    public static final Reply NO_RECIPIENTS = new Reply(503, "5.5.1", "No valid recipients");
    public static final Reply NEED_MAIL = new Reply(503, "5.5.1", "MAIL first");
    public static final Reply NEED_LHLO = new Reply(503, "5.5.1", "LHLO first");
    public static final Reply NESTED_MAIL = new Reply(503, "5.5.1", "Sender already given");
    public static final Reply TOO_BIG = new Reply(552, "5.3.4", "Message size exceeds fixed maximum message size");
    public static final Reply TOO_MANY_RECIPIENTS = new Reply(452, "4.5.3", "Too many recipients");
    public static final Reply UNKNOWN_COMMAND = new Reply(500, "5.5.1", "Command unrecognized");
    public static final Reply SYNTAX = new Reply(501, "5.5.4", "Syntax error in parameters");
    public static final Reply BAD_PARAMETER = new Reply(555, "5.5.4", "Unsupported parameter");
    public static final Reply TLS_UNAVAILABLE = new Reply(454, "4.7.0", "TLS not available");
    public static final Reply USE_LHLO = new Reply(500, "5.5.1", "This is LMTP: use LHLO");
    public static final Reply VRFY = new Reply(252, "2.5.0", "Cannot VRFY user, but will accept message");
    public static final Reply IDLE = new Reply(421, "4.4.2", "Idle for too long, closing connection");
    public static final Reply SHUTTING_DOWN = new Reply(421, "4.3.2", "Service shutting down, try again later");
    public static final Reply SERVER_BUG = new Reply(451, "4.3.0", "Internal error, try again later");

    public static Reply badLine(String reason) {
        return new Reply(500, "5.5.2", "Syntax error: " + reason + " in command line");
    }

    public byte[] bytes() {
        return line(code, ' ', enhanced, text).getBytes(StandardCharsets.US_ASCII);
    }

    private static String line(int code, char sep, String enhanced, String text) {
        return code + String.valueOf(sep) + (enhanced.isEmpty() ? "" : enhanced + " ") + text + "\r\n";
    }

    /** A multi-line reply without enhanced codes (LHLO: RFC 2034 puts none on the capability lines). */
    public static byte[] multiline(int code, List<String> lines) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            b.append(code).append(i == lines.size() - 1 ? ' ' : '-').append(lines.get(i)).append("\r\n");
        }
        return b.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** A plain greeting line such as 220 without an enhanced code (RFC 2034 §3: not on the greeting). */
    public static byte[] plain(int code, String text) {
        return (code + " " + text + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }
}
