package dev.mailplatform.pop3.store;

/**
 * The INBOX as it was when the lease was taken: the POP3 message numbers are indexes into these arrays (plus one).
 * Arrays rather than objects: a maildrop of 100,000 messages stays a few megabytes.
 */
public record MaildropSnapshot(String leaseId, int retentionDays, int loginDelaySeconds, int[] uids, long[] sizes,
        String[] uniqueIds) {

    public int count() {
        return uids.length;
    }
}
