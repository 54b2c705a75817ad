package dev.mailplatform.lmtp.session;

import dev.mailplatform.lmtp.store.DeliveryUpload;
import java.util.ArrayList;
import java.util.List;

/** One mail transaction: the sender, the accepted recipients, and the data while it streams to the store. */
public final class Transaction {

    /** The reverse path, empty for {@code <>}. */
    public final String mailFrom;
    /** The SIZE the MTA declared, 0 if none. */
    public final long declaredSize;
    /** The recipients that got 250 at RCPT, in order: each gets one reply after the data (RFC 2033 §4.2). */
    public final List<String> recipients = new ArrayList<>();
    /** Recipients given (accepted or not), for the per-transaction limit. */
    public int recipientCommands;
    public DeliveryUpload upload;
    /** Bytes received in DATA or BDAT so far. */
    public long received;
    /** Over the size limit: the rest is read and dropped, the store call is cancelled. */
    public boolean tooBig;
    /** A BDAT chunk was sent: DATA is no longer allowed (RFC 3030 §2). */
    public boolean chunking;
    /** A BDAT was refused: the rest of this transaction's chunks are read and refused too. */
    public boolean chunkingFailed;

    public Transaction(String mailFrom, long declaredSize) {
        this.mailFrom = mailFrom;
        this.declaredSize = declaredSize;
    }
}
