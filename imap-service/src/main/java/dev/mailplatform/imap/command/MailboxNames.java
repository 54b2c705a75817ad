package dev.mailplatform.imap.command;

import dev.mailplatform.imap.protocol.ModifiedUtf7;
import dev.mailplatform.imap.session.ImapException;

/** Mailbox names as clients send them: "/" is the hierarchy delimiter and INBOX is case-insensitive. */
public final class MailboxNames {

    public static final char DELIMITER = '/';

    private MailboxNames() {
    }

    /**
     * INBOX in any case (alone or as the first level) becomes "INBOX"; a trailing delimiter is dropped. A name that
     * was not valid modified UTF-7 is refused here, once for every command: NO, it cannot name a mailbox.
     */
    public static String normalize(String name) {
        if (ModifiedUtf7.isUnusable(name)) {
            throw ImapException.no("CANNOT", "Mailbox name is not valid modified UTF-7");
        }
        String n = name;
        if (n.length() > 1 && n.charAt(n.length() - 1) == DELIMITER) {
            n = n.substring(0, n.length() - 1);
        }
        if (n.equalsIgnoreCase("INBOX")) {
            return "INBOX";
        }
        if (n.length() > 6 && n.substring(0, 6).equalsIgnoreCase("INBOX/")) {
            return "INBOX" + n.substring(5);
        }
        return n;
    }

    /** A name a mailbox may have: not empty, no empty level, no control characters. */
    public static String valid(String name) {
        String n = normalize(name);
        if (n.isEmpty() || n.startsWith("/") || n.contains("//")) {
            throw ImapException.no("CANNOT", "Invalid mailbox name");
        }
        for (int i = 0; i < n.length(); i++) {
            if (n.charAt(i) < 0x20 || n.charAt(i) == 0x7f) {
                throw ImapException.no("CANNOT", "Invalid mailbox name");
            }
        }
        return n;
    }

    /**
     * A LIST pattern (RFC 3501 §6.3.8), reference and mailbox joined: {@code *} matches anything, {@code %} anything
     * but the delimiter. A leading INBOX matches case-insensitively.
     */
    public static MailboxPattern pattern(String reference, String mailbox) {
        if (ModifiedUtf7.isUnusable(reference) || ModifiedUtf7.isUnusable(mailbox)) {
            // Not valid modified UTF-7: no mailbox can match. The marker (a NUL) is in no name, so it never does.
            return MailboxPattern.of(ModifiedUtf7.unusable(""));
        }
        String full = normalize(reference + mailbox);
        if (full.length() >= 5 && full.substring(0, 5).equalsIgnoreCase("INBOX")
                && (full.length() == 5 || full.charAt(5) == DELIMITER)) {
            full = "INBOX" + full.substring(5);
        } else if (mailbox.endsWith("/") && !full.endsWith("/")) {
            full = full + "/";
        }
        return MailboxPattern.of(full);
    }
}
