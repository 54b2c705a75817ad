package dev.mailplatform.imap.protocol.command;

import dev.mailplatform.imap.protocol.ArgumentReader;
import dev.mailplatform.imap.protocol.BadSyntaxException;

/**
 * {@code AUTHENTICATE mechanism [initial-response]} (RFC 4959 SASL-IR).
 *
 * @param mechanism       upper-cased
 * @param initialResponse the base64 text as sent, {@code ""} for {@code =} (an empty response), null when absent
 */
public record AuthenticateCommand(String tag, String mechanism, String initialResponse) implements Command {

    public static AuthenticateCommand parse(String tag, ArgumentReader r) {
        r.sp();
        String mechanism = r.keyword();
        String initial = null;
        if (r.skip(' ')) {
            String ir = r.atom();
            if (ir.equals("=")) {
                initial = "";
            } else if (isBase64(ir)) {
                initial = ir;
            } else {
                throw new BadSyntaxException("initial response is not base64");
            }
        }
        return new AuthenticateCommand(tag, mechanism, initial);
    }

    private static boolean isBase64(String s) {
        int i = 0;
        while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) && s.charAt(i) < 128
                || s.charAt(i) == '+' || s.charAt(i) == '/')) {
            i++;
        }
        int pad = 0;
        while (i < s.length() && s.charAt(i) == '=' && pad < 2) {
            i++;
            pad++;
        }
        return i == s.length() && s.length() % 4 == 0;
    }

    @Override
    public String name() {
        return "AUTHENTICATE";
    }

    @Override
    public String toString() {
        // The initial response carries credentials.
        return "AuthenticateCommand[tag=" + tag + ", mechanism=" + mechanism + ", initialResponse="
                + (initialResponse == null ? "null" : "***") + "]";
    }
}
