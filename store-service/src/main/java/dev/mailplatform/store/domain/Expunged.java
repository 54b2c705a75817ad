package dev.mailplatform.store.domain;

/** What an expunge removed (UIDs ascending) and the mailbox's highest modseq after it. */
public record Expunged(long[] uids, long highestModseq) {
}
