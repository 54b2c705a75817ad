package dev.mailplatform.store.domain;

import java.util.List;

/**
 * What a flag change did: the messages it changed with their new flags, the UIDs that failed UNCHANGEDSINCE
 * (ascending), the mailbox's highest modseq after it, and the one it had just before it, under its row lock.
 */
public record FlagsStored(List<MessageFlags> updated, List<Long> failedUids, long highestModseq,
        long previousModseq) {
}
