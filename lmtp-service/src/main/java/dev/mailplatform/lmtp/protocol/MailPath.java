package dev.mailplatform.lmtp.protocol;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The argument of MAIL FROM / RCPT TO (RFC 5321 §4.1.2): {@code <path>} and ESMTP parameters. A source route
 * ({@code @a,@b:user@d}) is accepted and dropped, as §4.1.1.3 asks. Quoted local parts keep their quotes.
 */
public record MailPath(String address, Map<String, String> params) {

    /** The syntax is malformed. */
    public static final class Malformed extends Exception {
        public Malformed(String message) {
            super(message, null, false, false);
        }
    }

    private static final Pattern DOT_ATOM = Pattern.compile("[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*");
    private static final Pattern QUOTED = Pattern.compile("\"([\\x20\\x21\\x23-\\x5b\\x5d-\\x7e]|\\\\[\\x20-\\x7e])*\"");
    private static final Pattern DOMAIN = Pattern.compile(
            "([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*"
            + "|\\[[^\\[\\]\\\\]+\\]");
    private static final Pattern PARAM = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]*(=[\\x21-\\x3c\\x3e-\\x7e]+)?");

    /**
     * @param keyword "FROM" or "TO"
     * @param allowEmpty whether {@code <>} is valid (the null reverse-path)
     */
    public static MailPath parse(String args, String keyword, boolean allowEmpty) throws Malformed {
        String prefix = keyword + ":";
        if (args.length() < prefix.length() || !args.regionMatches(true, 0, prefix, 0, prefix.length())) {
            throw new Malformed("expected " + prefix);
        }
        String rest = args.substring(prefix.length()).stripLeading();
        if (!rest.startsWith("<")) {
            throw new Malformed("path must be in <>");
        }
        int close = closingBracket(rest);
        if (close < 0) {
            throw new Malformed("unterminated path");
        }
        String path = rest.substring(1, close);
        if (path.startsWith("@")) {
            int colon = path.indexOf(':');
            if (colon < 0) {
                throw new Malformed("bad source route");
            }
            path = path.substring(colon + 1);
        }
        if (path.isEmpty()) {
            if (!allowEmpty) {
                throw new Malformed("empty path");
            }
        } else if (!validMailbox(path)) {
            throw new Malformed("bad address");
        }
        Map<String, String> params = new LinkedHashMap<>();
        String tail = rest.substring(close + 1).strip();
        if (!tail.isEmpty()) {
            for (String p : tail.split(" +")) {
                if (!PARAM.matcher(p).matches()) {
                    throw new Malformed("bad parameter " + p);
                }
                int eq = p.indexOf('=');
                params.put((eq < 0 ? p : p.substring(0, eq)).toUpperCase(Locale.ROOT), eq < 0 ? "" : p.substring(eq + 1));
            }
        }
        return new MailPath(path, params);
    }

    private static int closingBracket(String s) {
        boolean quoted = false;
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && quoted) {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == '>' && !quoted) {
                return i;
            }
        }
        return -1;
    }

    static boolean validMailbox(String path) {
        int at = path.lastIndexOf('@');
        if (at <= 0 || at == path.length() - 1) {
            return false;
        }
        String local = path.substring(0, at);
        String domain = path.substring(at + 1);
        return local.length() <= 64 && domain.length() <= 255
                && (DOT_ATOM.matcher(local).matches() || QUOTED.matcher(local).matches())
                && DOMAIN.matcher(domain).matches();
    }
}
