package dev.mailplatform.store.domain;

/** A mailbox's STATUS: its counters, the lowest unseen UID (0: none), and the messages no session claimed yet. */
public record MailboxCounters(long mailboxId, String name, int messages, long uidnext, long uidvalidity, int unseen,
        long size, long highestModseq, long firstUnseenUid, int recent) {
}
