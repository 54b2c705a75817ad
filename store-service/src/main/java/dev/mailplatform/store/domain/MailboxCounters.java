package dev.mailplatform.store.domain;

/** A mailbox's STATUS: its counters, and the lowest unseen UID (0: none). */
public record MailboxCounters(long mailboxId, String name, int messages, long uidnext, long uidvalidity, int unseen,
        long size, long highestModseq, long firstUnseenUid) {
}
