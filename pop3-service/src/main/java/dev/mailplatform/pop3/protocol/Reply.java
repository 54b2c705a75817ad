package dev.mailplatform.pop3.protocol;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Encodes status lines and multi-line responses. Extended response codes (RFC 2449 §8, RFC 3206) go in square
 * brackets right after {@code -ERR}. Text never contains CR or LF: they are replaced, so a reply stays one line.
 */
public final class Reply {

    /** The extended response codes this server uses. */
    public enum Code {
        IN_USE("IN-USE"), LOGIN_DELAY("LOGIN-DELAY"), SYS_TEMP("SYS/TEMP"), SYS_PERM("SYS/PERM"), AUTH("AUTH"),
        UTF8("UTF8");

        private final String wire;

        Code(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }
    }

    private Reply() {
    }

    public static byte[] ok(String text) {
        return line(text.isEmpty() ? "+OK" : "+OK " + text);
    }

    public static byte[] err(String text) {
        return line("-ERR " + text);
    }

    public static byte[] err(Code code, String text) {
        return line("-ERR [" + code.wire() + "] " + text);
    }

    /** The SASL continuation: {@code "+ "} and a base64 challenge (empty for PLAIN). */
    public static byte[] continuation(String base64) {
        return line("+ " + base64);
    }

    /** {@code +OK text}, the lines (dot-stuffed) and the terminating {@code "."}, in one buffer. */
    public static byte[] multiLine(String text, List<String> lines) {
        StringBuilder sb = new StringBuilder(64 + lines.size() * 16);
        sb.append(text.isEmpty() ? "+OK" : "+OK " + clean(text)).append("\r\n");
        for (String l : lines) {
            if (l.startsWith(".")) {
                sb.append('.');
            }
            sb.append(clean(l)).append("\r\n");
        }
        sb.append(".\r\n");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] line(String text) {
        return (clean(text) + "\r\n").getBytes(StandardCharsets.UTF_8);
    }

    private static String clean(String text) {
        return text.indexOf('\r') < 0 && text.indexOf('\n') < 0 ? text : text.replace('\r', ' ').replace('\n', ' ');
    }
}
