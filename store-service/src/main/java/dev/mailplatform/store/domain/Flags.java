package dev.mailplatform.store.domain;

import dev.mailplatform.store.error.StoreException;
import java.util.Collection;
import java.util.TreeSet;

/** IMAP keyword validation and the canonical (sorted, de-duplicated) keyword list. */
public final class Flags {

    public static final int SEEN = 1;
    public static final int DELETED = 8;
    public static final int ALL_SYSTEM = 31;
    private static final int MAX_KEYWORD = 128;
    private static final int MAX_KEYWORDS = 64;

    private Flags() {
    }

    public static void validateSystem(int system) {
        if ((system & ~ALL_SYSTEM) != 0) {
            throw StoreException.invalid("unknown system flag bits " + Integer.toHexString(system & ~ALL_SYSTEM));
        }
    }

    public static String[] keywords(Collection<String> keywords) {
        if (keywords.size() > MAX_KEYWORDS) {
            throw StoreException.invalid("more than " + MAX_KEYWORDS + " keywords");
        }
        TreeSet<String> out = new TreeSet<>();
        for (String k : keywords) {
            if (k.isEmpty() || k.length() > MAX_KEYWORD) {
                throw StoreException.invalid("keyword must have 1.." + MAX_KEYWORD + " characters");
            }
            for (int i = 0; i < k.length(); i++) {
                char c = k.charAt(i);
                if (c <= 0x20 || c >= 0x7f || "(){%*\"\\]".indexOf(c) >= 0) {
                    throw StoreException.invalid("keyword " + k + " is not an IMAP atom");
                }
            }
            out.add(k);
        }
        return out.toArray(new String[0]);
    }
}
