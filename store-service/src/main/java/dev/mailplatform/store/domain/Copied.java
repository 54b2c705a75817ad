package dev.mailplatform.store.domain;

/**
 * What a copy or move did: the source UIDs copied, ascending, got the destination UIDs from firstDestinationUid on,
 * one after another; the source's highest modseq after it (changed by a move only), and the one it had just before
 * it, under its row lock.
 */
public record Copied(long destinationUidvalidity, long sourceHighestModseq, long[] sourceUids,
        long firstDestinationUid, long sourcePreviousModseq) {
}
