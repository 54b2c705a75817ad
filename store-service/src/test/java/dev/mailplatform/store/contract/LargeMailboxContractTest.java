package dev.mailplatform.store.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailplatform.store.api.Chunks;
import dev.mailplatform.store.v1.Account;
import dev.mailplatform.store.v1.AppendResponse;
import dev.mailplatform.store.v1.CopyRequest;
import dev.mailplatform.store.v1.CopyResponse;
import dev.mailplatform.store.v1.ExpungeRequest;
import dev.mailplatform.store.v1.ExpungeResponse;
import dev.mailplatform.store.v1.Flags;
import dev.mailplatform.store.v1.FlagsMode;
import dev.mailplatform.store.v1.StoreFlagsRequest;
import dev.mailplatform.store.v1.StoreFlagsResponse;
import dev.mailplatform.testkit.StoreInfraResource;
import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Replies that have one entry per message (flags, copy, expunge) on a mailbox whose reply, as one gRPC message, is
 * larger than the 8 MiB the front ends accept: they arrive in chunks, each far below the limit, and merge to the
 * whole. Before the replies were chunked, the flag change committed and the reply then failed RESOURCE_EXHAUSTED.
 * (A flag reply grows with the keywords too; with none, 800,000 messages crossed the limit.)
 */
@QuarkusTest
class LargeMailboxContractTest extends StoreContract {

    /** With this keyword a message's state takes about 44 bytes on the wire: 250,000 of them make 10 MiB. */
    private static final String KEYWORD = "$a-keyword-long-enough-to-fill-the-reply";

    private static final int MESSAGES = 250_000;

    @Test
    void flagCopyAndExpungeRepliesOfAMillionMessagesArriveWhole() throws Exception {
        Account a = newAccount();
        AppendResponse first = append(a, "INBOX", TestMessages.simple("one of many", "the same body"), 0,
                List.of(KEYWORD));
        cloneMessages(a, first.getUid(), MESSAGES - 1);

        StoreFlagsRequest seen = StoreFlagsRequest.newBuilder().setMailbox(ref(a, "INBOX")).setUids(all())
                .setMode(FlagsMode.FLAGS_ADD).setFlags(Flags.newBuilder().setSystem(1)).build();
        Iterator<StoreFlagsResponse> chunks = messages.storeFlags(seen);
        StoreFlagsResponse.Builder merged = StoreFlagsResponse.newBuilder();
        int count = 0;
        long wire = 0;
        while (chunks.hasNext()) {
            StoreFlagsResponse c = chunks.next();
            assertTrue(c.getSerializedSize() <= Chunks.MAX_CHUNK_BYTES + 64, "chunk of " + c.getSerializedSize());
            wire += c.getSerializedSize();
            merged.mergeFrom(c);
            count++;
        }
        assertTrue(wire > 8 * 1024 * 1024, "the whole reply is over the 8 MiB limit: " + wire);
        assertTrue(count > 8, count + " chunks");
        StoreFlagsResponse flags = merged.build();
        assertEquals(MESSAGES, flags.getUpdatedCount());
        assertEquals(1, flags.getUpdated(0).getUid());
        assertEquals(MESSAGES, flags.getUpdated(MESSAGES - 1).getUid());
        assertEquals(List.of(KEYWORD), flags.getUpdated(MESSAGES - 1).getKeywordsList());
        assertTrue(flags.getHighestModseq() > 0);
        assertEquals(flags.getHighestModseq(), flags.getUpdated(MESSAGES - 1).getModseq());

        Iterator<CopyResponse> copyChunks = messages.copy(CopyRequest.newBuilder().setSource(ref(a, "INBOX"))
                .setUids(all()).setDestination("Archive").build());
        CopyResponse.Builder copyMerged = CopyResponse.newBuilder();
        int copyCount = 0;
        while (copyChunks.hasNext()) {
            copyMerged.mergeFrom(copyChunks.next());
            copyCount++;
        }
        assertTrue(copyCount > 1, copyCount + " chunks");
        CopyResponse copy = copyMerged.build();
        assertEquals(MESSAGES, copy.getMappingsCount());
        assertTrue(copy.getDestinationUidvalidity() != 0);
        assertEquals(MESSAGES, copy.getMappings(MESSAGES - 1).getSourceUid());
        assertEquals(MESSAGES, copy.getMappings(MESSAGES - 1).getDestinationUid());

        storeFlags(seen.toBuilder().setFlags(Flags.newBuilder().setSystem(8)).build());
        ExpungeResponse gone = expunge(ExpungeRequest.newBuilder().setMailbox(ref(a, "INBOX")).build());
        assertEquals(MESSAGES, gone.getExpungedUidsCount());
        assertEquals(MESSAGES, gone.getExpungedUids(MESSAGES - 1));
        assertTrue(gone.getHighestModseq() > flags.getHighestModseq());
    }

    /** Adds copies of one message's row after it, with the mailbox's and account's counters to match. */
    private static void cloneMessages(Account a, int uid, int copies) throws Exception {
        try (Connection c = DriverManager.getConnection(StoreInfraResource.jdbcUrl(), StoreInfraResource.dbUser(),
                StoreInfraResource.dbPassword())) {
            c.setAutoCommit(false);
            long mailbox;
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id FROM mailbox WHERE account_id = ? AND name = 'INBOX'")) {
                ps.setLong(1, a.getId());
                var rs = ps.executeQuery();
                rs.next();
                mailbox = rs.getLong(1);
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO message (mailbox_id, uid, blob_hash, "
                    + "system_flags, keywords, modseq, size, internal_date, email_id) SELECT mailbox_id, uid + g, "
                    + "blob_hash, system_flags, keywords, modseq, size, internal_date, email_id || '-' || g "
                    + "FROM message, generate_series(1, ?) g WHERE mailbox_id = ? AND uid = ?")) {
                ps.setInt(1, copies);
                ps.setLong(2, mailbox);
                ps.setLong(3, uid);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE mailbox SET uidnext = uidnext + ?, "
                    + "messages = messages + ?, unseen = unseen + ?, size = size * (1 + ?) WHERE id = ?")) {
                ps.setInt(1, copies);
                ps.setInt(2, copies);
                ps.setInt(3, copies);
                ps.setInt(4, copies);
                ps.setLong(5, mailbox);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE account SET messages_used = messages_used + ?, "
                    + "storage_used = storage_used * (1 + ?) WHERE id = ?")) {
                ps.setInt(1, copies);
                ps.setInt(2, copies);
                ps.setLong(3, a.getId());
                ps.executeUpdate();
            }
            c.commit();
        }
    }
}
