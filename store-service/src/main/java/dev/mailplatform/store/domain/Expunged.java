package dev.mailplatform.store.domain;

/**
 * What an expunge removed (UIDs ascending), the mailbox's highest modseq after it, and the one it had just before
 * it, under its row lock.
 */
public record Expunged(long[] uids, long highestModseq, long previousModseq) {
}
