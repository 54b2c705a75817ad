package dev.mailplatform.store.mime;

/**
 * The text of an HTML body for search and preview: tags dropped, script and style elements dropped with their
 * content, the common entities decoded. One pass, linear in the input whatever it holds: the regular expressions
 * this replaced ({@code <[^>]*>}, and a lazy match up to a back-referenced closing tag) took quadratic time on a body
 * of {@code <<<<...} or of unclosed {@code <script} tags.
 */
final class HtmlText {

    /** Elements whose content is not text to show: dropped whole. */
    private static final String[] RAW_TEXT_ELEMENTS = {"script", "style"};

    private HtmlText() {
    }

    static String text(String html) {
        StringBuilder out = new StringBuilder(Math.min(html.length(), 1 << 16));
        int n = html.length();
        int i = 0;
        while (i < n) {
            char c = html.charAt(i);
            if (c == '<') {
                int close = html.indexOf('>', i + 1);
                if (close < 0) {
                    break; // no tag ends after this: the rest is an unfinished tag
                }
                String raw = rawTextElement(html, i + 1, close);
                out.append(' ');
                i = close + 1;
                if (raw != null) {
                    int end = indexOfIgnoreCase(html, "</" + raw, i);
                    if (end < 0) {
                        break; // an unclosed script or style swallows the rest, as browsers do
                    }
                    int endClose = html.indexOf('>', end);
                    i = endClose < 0 ? n : endClose + 1;
                }
            } else if (c == '&') {
                int semi = -1;
                for (int j = i + 1; j < Math.min(n, i + 8); j++) { // entities are short: never scan far
                    if (html.charAt(j) == ';') {
                        semi = j;
                        break;
                    }
                }
                String decoded = semi > 0 ? entity(html.substring(i + 1, semi)) : null;
                if (decoded != null) {
                    out.append(decoded);
                    i = semi + 1;
                } else {
                    out.append(c);
                    i++;
                }
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    /** "script" or "style" when the tag at [from, to) opens one of them, else null. */
    private static String rawTextElement(String html, int from, int to) {
        for (String name : RAW_TEXT_ELEMENTS) {
            int end = from + name.length();
            if (end <= to && html.regionMatches(true, from, name, 0, name.length())
                    && (end == to || !Character.isLetterOrDigit(html.charAt(end)))) {
                return name;
            }
        }
        return null;
    }

    private static int indexOfIgnoreCase(String s, String needle, int from) {
        int last = s.length() - needle.length();
        char first = needle.charAt(0);
        for (int i = from; i <= last; i++) {
            if (s.charAt(i) == first && s.regionMatches(true, i, needle, 0, needle.length())) {
                return i;
            }
        }
        return -1;
    }

    private static String entity(String name) {
        switch (name) {
            case "nbsp":
                return " ";
            case "amp":
                return "&";
            case "lt":
                return "<";
            case "gt":
                return ">";
            case "quot":
                return "\"";
            case "apos":
            case "#39":
                return "'";
            default:
                return null;
        }
    }
}
