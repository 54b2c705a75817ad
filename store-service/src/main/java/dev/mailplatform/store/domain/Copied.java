package dev.mailplatform.store.domain;

/**
 * What a copy or move did: the source UIDs copied, ascending, got the destination UIDs from firstDestinationUid on,
 * one after another.
 */
public record Copied(long destinationUidvalidity, long sourceHighestModseq, long[] sourceUids,
        long firstDestinationUid) {
}
