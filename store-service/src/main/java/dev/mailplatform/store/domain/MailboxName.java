package dev.mailplatform.store.domain;

import dev.mailplatform.store.error.StoreException;
import java.nio.charset.StandardCharsets;

/** Validation and normalisation of mailbox names ("/" delimited, INBOX case-insensitive). */
public final class MailboxName {

    public static final String INBOX = "INBOX";
    public static final char DELIMITER = '/';
    public static final int MAX_BYTES = 1000;
    public static final int MAX_DEPTH = 32;

    private MailboxName() {
    }

    /** Returns the canonical form of a valid name, or throws INVALID_ARGUMENT saying what is wrong. */
    public static String normalize(String name) {
        if (name == null || name.isEmpty()) {
            throw StoreException.invalid("mailbox name is empty");
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            throw StoreException.invalid("mailbox name is longer than " + MAX_BYTES + " bytes");
        }
        int depth = 1;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == 0) {
                throw StoreException.invalid("mailbox name contains NUL");
            }
            if (c < 0x20 || c == 0x7f) {
                throw StoreException.invalid("mailbox name contains a control character");
            }
            if (c == '*' || c == '%') {
                throw StoreException.invalid("mailbox name contains a wildcard (* or %)");
            }
            if (Character.isSurrogate(c) && !(Character.isHighSurrogate(c) && i + 1 < name.length()
                    && Character.isLowSurrogate(name.charAt(i + 1)))) {
                if (!Character.isLowSurrogate(c) || i == 0 || !Character.isHighSurrogate(name.charAt(i - 1))) {
                    throw StoreException.invalid("mailbox name is not valid UTF-16");
                }
            }
            if (c == DELIMITER) {
                depth++;
                if (i == 0 || i == name.length() - 1 || name.charAt(i - 1) == DELIMITER) {
                    throw StoreException.invalid("mailbox name has an empty hierarchy level");
                }
            }
        }
        if (depth > MAX_DEPTH) {
            throw StoreException.invalid("mailbox name is nested deeper than " + MAX_DEPTH + " levels");
        }
        if (name.length() >= 5 && name.regionMatches(true, 0, INBOX, 0, 5)
                && (name.length() == 5 || name.charAt(5) == DELIMITER)) {
            return INBOX + name.substring(5);
        }
        return name;
    }

    public static String parent(String name) {
        int i = name.lastIndexOf(DELIMITER);
        return i < 0 ? null : name.substring(0, i);
    }
}
