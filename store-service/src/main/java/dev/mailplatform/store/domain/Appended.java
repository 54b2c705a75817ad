package dev.mailplatform.store.domain;

/** Where an appended message went: its mailbox's UIDVALIDITY, its UID and modseq, its size and its email id. */
public record Appended(long uidvalidity, long uid, long modseq, long size, String emailId) {

    /**
     * The mailbox's highest modseq just before this append: {@link AppendCommitter} gives the appends to a mailbox
     * consecutive modseqs after the one it read under the mailbox's row lock, in order, so this append's is the
     * next after it.
     */
    public long previousModseq() {
        return modseq - 1;
    }
}
