package dev.mailplatform.imap.protocol;

/**
 * The mailbox name encoding of RFC 3501 §5.1.3: printable ASCII stands for itself ({@code &} as {@code &-}), anything
 * else is UTF-16 in base64 with {@code ,} for {@code /}, between {@code &} and {@code -}.
 *
 * <p>Decoding is strict: RFC 3501 makes every name have exactly one encoding, and accepting alternative spellings
 * would let two different strings name the same mailbox.
 */
public final class ModifiedUtf7 {

    private static final char[] ALPHABET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,".toCharArray();
    private static final int[] VALUE = new int[128];

    static {
        java.util.Arrays.fill(VALUE, -1);
        for (int i = 0; i < ALPHABET.length; i++) {
            VALUE[ALPHABET[i]] = i;
        }
    }

    private ModifiedUtf7() {
    }

    private static boolean direct(char c) {
        return c >= 0x20 && c <= 0x7e;
    }

    /** Marks a mailbox name that is not valid modified UTF-7: a leading NUL, which no mailbox name may hold. */
    private static final char UNUSABLE = '\0';

    /** The client's name as sent, marked: no mailbox has it, and no LIST pattern built from it matches one. */
    public static String unusable(String raw) {
        return UNUSABLE + raw;
    }

    /** Whether {@link #decode} failed for this name (see {@link #unusable}). */
    public static boolean isUnusable(String name) {
        return !name.isEmpty() && name.charAt(0) == UNUSABLE;
    }

    public static String encode(String unicode) {
        StringBuilder out = new StringBuilder(unicode.length() + 8);
        int i = 0;
        while (i < unicode.length()) {
            char c = unicode.charAt(i);
            if (c == '&') {
                out.append("&-");
                i++;
            } else if (direct(c)) {
                out.append(c);
                i++;
            } else {
                out.append('&');
                int bits = 0;
                int acc = 0;
                while (i < unicode.length() && !direct(unicode.charAt(i))) {
                    acc = (acc << 16) | unicode.charAt(i++);
                    bits += 16;
                    while (bits >= 6) {
                        bits -= 6;
                        out.append(ALPHABET[(acc >>> bits) & 0x3f]);
                    }
                }
                if (bits > 0) {
                    out.append(ALPHABET[(acc << (6 - bits)) & 0x3f]);
                }
                out.append('-');
            }
        }
        return out.toString();
    }

    /** @throws IllegalArgumentException when {@code mutf7} is not the canonical encoding of some name */
    public static String decode(String mutf7) {
        StringBuilder out = new StringBuilder(mutf7.length());
        boolean previousWasEncoded = false;
        int i = 0;
        while (i < mutf7.length()) {
            char c = mutf7.charAt(i);
            if (!direct(c)) {
                throw new IllegalArgumentException("character outside printable ASCII");
            }
            if (c != '&') {
                out.append(c);
                previousWasEncoded = false;
                i++;
                continue;
            }
            int end = mutf7.indexOf('-', i + 1);
            if (end < 0) {
                throw new IllegalArgumentException("unterminated &-sequence");
            }
            if (end == i + 1) {
                out.append('&');
                previousWasEncoded = false;
                i = end + 1;
                continue;
            }
            if (previousWasEncoded) {
                // Two adjacent runs could have been one: not the canonical form.
                throw new IllegalArgumentException("adjacent encoded runs");
            }
            decodeRun(mutf7, i + 1, end, out);
            previousWasEncoded = true;
            i = end + 1;
        }
        return out.toString();
    }

    private static void decodeRun(String s, int from, int to, StringBuilder out) {
        int acc = 0;
        int bits = 0;
        boolean pendingHigh = false;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            int v = c < 128 ? VALUE[c] : -1;
            if (v < 0) {
                throw new IllegalArgumentException("invalid base64 character");
            }
            acc = (acc << 6) | v;
            bits += 6;
            if (bits >= 16) {
                bits -= 16;
                char u = (char) ((acc >>> bits) & 0xffff);
                acc &= (1 << bits) - 1;
                if (direct(u)) {
                    throw new IllegalArgumentException("printable ASCII must not be encoded");
                }
                if (Character.isHighSurrogate(u)) {
                    if (pendingHigh) {
                        throw new IllegalArgumentException("broken surrogate pair");
                    }
                    pendingHigh = true;
                } else if (Character.isLowSurrogate(u)) {
                    if (!pendingHigh) {
                        throw new IllegalArgumentException("broken surrogate pair");
                    }
                    pendingHigh = false;
                } else if (pendingHigh) {
                    throw new IllegalArgumentException("broken surrogate pair");
                }
                out.append(u);
            }
        }
        if (pendingHigh) {
            throw new IllegalArgumentException("broken surrogate pair");
        }
        if (bits >= 6 || acc != 0) {
            throw new IllegalArgumentException("leftover bits in encoded run");
        }
    }
}
