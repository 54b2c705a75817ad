package dev.mailplatform.store.domain;

/**
 * A mailbox as LIST, CREATE and RENAME report it. {@code nonexistent}: a subscription to a name with no mailbox
 * (its id and uidvalidity are then 0).
 */
public record MailboxSummary(long mailboxId, String name, String specialUse, boolean hasChildren, boolean subscribed,
        boolean nonexistent, long uidvalidity) {

    static MailboxSummary of(long mailboxId, String name, String specialUse, long uidvalidity) {
        return new MailboxSummary(mailboxId, name, specialUse, false, false, false, uidvalidity);
    }
}
