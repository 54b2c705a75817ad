package dev.mailplatform.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** SASL PLAIN (RFC 4616): {@code [authzid] NUL authcid NUL passwd}, base64-encoded on the wire. */
public final class SaslPlain {

    /** The decoded message. An empty authzid means "act as authcid". */
    public record Credentials(String authzid, String authcid, String password) {
        @Override
        public String toString() {
            return "Credentials[authzid=" + authzid + ", authcid=" + authcid + ", password=***]";
        }
    }

    /** Thrown for input that is not valid base64 or not a PLAIN message. */
    public static final class MalformedException extends Exception {
        public MalformedException(String message) {
            super(message, null, false, false);
        }
    }

    private SaslPlain() {
    }

    public static Credentials decode(String base64) throws MalformedException {
        byte[] raw = decodeBase64(base64);
        String s = new String(raw, StandardCharsets.UTF_8);
        int first = s.indexOf('\0');
        int second = first < 0 ? -1 : s.indexOf('\0', first + 1);
        if (first < 0 || second < 0 || s.indexOf('\0', second + 1) >= 0) {
            throw new MalformedException("PLAIN needs authzid NUL authcid NUL password");
        }
        String authcid = s.substring(first + 1, second);
        if (authcid.isEmpty()) {
            throw new MalformedException("PLAIN: empty user name");
        }
        return new Credentials(s.substring(0, first), authcid, s.substring(second + 1));
    }

    /** Strict base64 (RFC 4648 §4, padding required), as SASL asks; whitespace around it is ignored. */
    public static byte[] decodeBase64(String base64) throws MalformedException {
        try {
            return Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new MalformedException("invalid base64");
        }
    }

    public static String encodeBase64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
