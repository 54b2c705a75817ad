package dev.mailplatform.store.change;

/**
 * One change event of an account: the mailbox's state after the change ({@code uidnext} and {@code messages} are
 * unsigned 32-bit values). A Watch stream's WATCH_READY carries only the account.
 */
public record Change(long accountId, long mailboxId, String mailbox, ChangeKind kind, long highestModseq,
        long uidnext, long messages) {

    static Change ready(long accountId) {
        return new Change(accountId, 0, "", ChangeKind.WATCH_READY, 0, 0, 0);
    }
}
