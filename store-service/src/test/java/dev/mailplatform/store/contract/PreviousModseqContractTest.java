package dev.mailplatform.store.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailplatform.store.v1.Account;
import dev.mailplatform.store.v1.AppendResponse;
import dev.mailplatform.store.v1.CopyRequest;
import dev.mailplatform.store.v1.CopyResponse;
import dev.mailplatform.store.v1.ExpungeRequest;
import dev.mailplatform.store.v1.ExpungeResponse;
import dev.mailplatform.store.v1.Flags;
import dev.mailplatform.store.v1.FlagsMode;
import dev.mailplatform.store.v1.GetStatusRequest;
import dev.mailplatform.store.v1.StoreFlagsRequest;
import dev.mailplatform.store.v1.StoreFlagsResponse;
import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The change replies (StoreFlags, Expunge, Copy/Move, Append) carry the mailbox's highest modseq just before the
 * change, as it was under the row lock the change took: a front end whose view stood there knows no one else changed
 * the mailbox in between.
 */
@QuarkusTest
class PreviousModseqContractTest extends StoreContract {

    private long highest(Account a, String mailbox) {
        return mailboxes.getStatus(GetStatusRequest.newBuilder().setMailbox(ref(a, mailbox)).build())
                .getHighestModseq();
    }

    private StoreFlagsResponse flag(Account a, int uid, int system) {
        return storeFlags(StoreFlagsRequest.newBuilder().setMailbox(ref(a, "INBOX")).setUids(uids(uid, uid))
                .setMode(FlagsMode.FLAGS_ADD).setFlags(Flags.newBuilder().setSystem(system)).build());
    }

    @Test
    void eachChangeReplyTellsTheModseqBeforeIt() {
        Account a = newAccount();
        long h = highest(a, "INBOX");
        for (int i = 0; i < 4; i++) {
            AppendResponse r = append(a, "INBOX", TestMessages.simple("p" + i, "x"));
            assertTrue(r.hasPreviousHighestModseq());
            assertEquals(h, r.getPreviousHighestModseq());
            assertEquals(h + 1, r.getModseq());
            h = r.getModseq();
        }
        assertEquals(h, highest(a, "INBOX"));

        StoreFlagsResponse s = flag(a, 1, 4);
        assertTrue(s.hasPreviousHighestModseq());
        assertEquals(h, s.getPreviousHighestModseq());
        assertEquals(h + 1, s.getHighestModseq());
        // Nothing changed: no modseq taken, previous and after the same.
        StoreFlagsResponse same = flag(a, 1, 4);
        assertTrue(same.hasPreviousHighestModseq());
        assertEquals(h + 1, same.getPreviousHighestModseq());
        assertEquals(h + 1, same.getHighestModseq());

        // Another writer's change in between shows as a previous modseq above the one a view held.
        long view = s.getHighestModseq();
        flag(a, 2, 8);
        StoreFlagsResponse later = flag(a, 3, 8);
        assertEquals(view + 1, later.getPreviousHighestModseq());

        ExpungeResponse e = expunge(ExpungeRequest.newBuilder().setMailbox(ref(a, "INBOX")).setUids(uids(2, 2))
                .build());
        assertEquals(List.of(2), e.getExpungedUidsList());
        assertTrue(e.hasPreviousHighestModseq());
        assertEquals(later.getHighestModseq(), e.getPreviousHighestModseq());
        assertEquals(e.getPreviousHighestModseq() + 1, e.getHighestModseq());
        ExpungeResponse none = expunge(ExpungeRequest.newBuilder().setMailbox(ref(a, "INBOX")).setUids(uids(1, 1))
                .build());
        assertEquals(0, none.getExpungedUidsCount());
        assertTrue(none.hasPreviousHighestModseq());
        assertEquals(e.getHighestModseq(), none.getPreviousHighestModseq());
        assertEquals(e.getHighestModseq(), none.getHighestModseq());

        long before = highest(a, "INBOX");
        CopyResponse cp = copy(CopyRequest.newBuilder().setSource(ref(a, "INBOX")).setUids(uids(1, 1))
                .setDestination("Archive").build());
        assertTrue(cp.hasSourcePreviousHighestModseq());
        assertEquals(before, cp.getSourcePreviousHighestModseq());
        assertEquals(before, cp.getSourceHighestModseq(), "a copy leaves its source alone");

        CopyResponse mv = move(CopyRequest.newBuilder().setSource(ref(a, "INBOX")).setUids(uids(1, 1))
                .setDestination("Trash").build());
        assertEquals(before, mv.getSourcePreviousHighestModseq());
        assertEquals(before + 1, mv.getSourceHighestModseq(), "one modseq: the source's expunge");

        // Into the mailbox they are in: the copy and the expunge, two modseqs after the previous one.
        long self = highest(a, "INBOX");
        CopyResponse into = move(CopyRequest.newBuilder().setSource(ref(a, "INBOX")).setUids(uids(3, 3))
                .setDestination("INBOX").build());
        assertEquals(self, into.getSourcePreviousHighestModseq());
        assertEquals(self + 2, into.getSourceHighestModseq());
    }

    /**
     * Concurrent writers of one mailbox: each reply's previous modseq is the one just below its own, and no two
     * replies share one. A value read before the row lock would be shared by writers that waited on each other.
     */
    @Test
    void concurrentChangesEachSeeTheModseqOfTheOneBefore() throws Exception {
        Account a = newAccount();
        for (int i = 0; i < 8; i++) {
            append(a, "INBOX", TestMessages.simple("c" + i, "x"));
        }
        long start = highest(a, "INBOX");
        int writers = 8;
        int rounds = 5;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        List<long[]> pairs = new ArrayList<>();
        try {
            List<Future<List<long[]>>> futures = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int uid = w + 1;
                futures.add(pool.submit(() -> {
                    List<long[]> mine = new ArrayList<>();
                    for (int r = 0; r < rounds; r++) {
                        // Alternating add and remove, so every call changes the message and takes a modseq.
                        StoreFlagsRequest.Builder b = StoreFlagsRequest.newBuilder().setMailbox(ref(a, "INBOX"))
                                .setUids(uids(uid, uid)).setFlags(Flags.newBuilder().setSystem(2))
                                .setMode(r % 2 == 0 ? FlagsMode.FLAGS_ADD : FlagsMode.FLAGS_REMOVE);
                        StoreFlagsResponse resp = storeFlags(b.build());
                        mine.add(new long[] {resp.getPreviousHighestModseq(), resp.getHighestModseq()});
                    }
                    return mine;
                }));
            }
            for (Future<List<long[]>> f : futures) {
                pairs.addAll(f.get(120, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        pairs.sort((x, y) -> Long.compare(x[0], y[0]));
        assertEquals(writers * rounds, pairs.size());
        for (int i = 0; i < pairs.size(); i++) {
            assertEquals(start + i, pairs.get(i)[0], "previous modseqs form one chain without repeats");
            assertEquals(start + i + 1, pairs.get(i)[1]);
        }
        assertEquals(start + writers * rounds, highest(a, "INBOX"));
    }
    /**
     * A plain STORE is one statement that locks the mailbox row and moves its unseen count: with \Seen toggled by
     * eight writers while others append, the count still equals the unseen messages, and every STORE that changed
     * something took a modseq above every one committed before it.
     */
    @Test
    void concurrentSeenTogglesAndAppendsKeepTheUnseenCount() throws Exception {
        Account a = newAccount();
        for (int i = 0; i < 8; i++) {
            append(a, "INBOX", TestMessages.simple("u" + i, "x"));
        }
        int writers = 8;
        int rounds = 6;
        ExecutorService pool = Executors.newFixedThreadPool(writers + 2);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int uid = w + 1;
                futures.add(pool.submit(() -> {
                    for (int r = 0; r < rounds; r++) {
                        StoreFlagsResponse resp = storeFlags(StoreFlagsRequest.newBuilder()
                                .setMailbox(ref(a, "INBOX")).setUids(uids(uid, uid))
                                .setFlags(Flags.newBuilder().setSystem(1))
                                .setMode(r % 2 == 0 ? FlagsMode.FLAGS_ADD : FlagsMode.FLAGS_REMOVE).build());
                        assertEquals(1, resp.getUpdatedCount());
                        assertEquals(resp.getPreviousHighestModseq() + 1, resp.getHighestModseq());
                        assertEquals(resp.getHighestModseq(), resp.getUpdated(0).getModseq());
                    }
                    // And leave it seen when the writer's number is even.
                    if (uid % 2 == 0) {
                        storeFlags(StoreFlagsRequest.newBuilder().setMailbox(ref(a, "INBOX"))
                                .setUids(uids(uid, uid)).setFlags(Flags.newBuilder().setSystem(1))
                                .setMode(FlagsMode.FLAGS_ADD).build());
                    }
                    return null;
                }));
            }
            for (int w = 0; w < 2; w++) {
                futures.add(pool.submit(() -> {
                    for (int r = 0; r < 5; r++) {
                        append(a, "INBOX", TestMessages.simple("n" + r, "x"));
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        // 18 messages, 4 of them seen.
        assertEquals(14, mailboxes.getStatus(GetStatusRequest.newBuilder().setMailbox(ref(a, "INBOX")).build())
                .getUnseen());
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(
                dev.mailplatform.testkit.StoreInfraResource.jdbcUrl(),
                dev.mailplatform.testkit.StoreInfraResource.dbUser(),
                dev.mailplatform.testkit.StoreInfraResource.dbPassword());
                java.sql.PreparedStatement ps = c.prepareStatement("SELECT mb.unseen, mb.highest_modseq, "
                        + "(SELECT count(*) FROM message m WHERE m.mailbox_id = mb.id AND m.system_flags & 1 = 0), "
                        + "(SELECT max(modseq) FROM message m WHERE m.mailbox_id = mb.id), "
                        + "(SELECT count(DISTINCT modseq) = count(*) FROM message m WHERE m.mailbox_id = mb.id) "
                        + "FROM mailbox mb WHERE mb.account_id = ? AND mb.name = 'INBOX'")) {
            ps.setLong(1, a.getId());
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                assertEquals(14, rs.getLong(1), "the mailbox's unseen count");
                assertEquals(14, rs.getLong(3), "unseen messages");
                assertEquals(rs.getLong(2), rs.getLong(4), "the highest modseq is the last message change");
                assertTrue(rs.getBoolean(5), "no two changes share a modseq");
            }
        }
    }
}
