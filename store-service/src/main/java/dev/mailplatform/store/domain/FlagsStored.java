package dev.mailplatform.store.domain;

import java.util.List;

/**
 * What a flag change did: the messages it changed with their new flags, the UIDs that failed UNCHANGEDSINCE
 * (ascending), and the mailbox's highest modseq after it.
 */
public record FlagsStored(List<MessageFlags> updated, List<Long> failedUids, long highestModseq) {
}
