package dev.mailplatform.store.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailplatform.store.contract.StoreContract;
import dev.mailplatform.store.contract.TestMessages;
import dev.mailplatform.store.domain.AppendCommitter.Item;
import dev.mailplatform.store.domain.AppendCommitter.Outcome;
import dev.mailplatform.store.domain.AppendCommitter.Status;
import dev.mailplatform.store.mime.MimeIndexer;
import dev.mailplatform.store.v1.Account;
import dev.mailplatform.store.v1.AccountServiceGrpc;
import dev.mailplatform.store.v1.CreateAccountRequest;
import dev.mailplatform.store.v1.QuotaServiceGrpc;
import dev.mailplatform.store.v1.SetQuotaRequest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One group of appends, run as one statement, on the real database: what each append gets must be what it would
 * get alone, in arrival order.
 */
@QuarkusTest
class AppendCommitterTest extends StoreContract {

    @GrpcClient("store")
    AccountServiceGrpc.AccountServiceBlockingStub accountApi;

    @GrpcClient("store")
    QuotaServiceGrpc.QuotaServiceBlockingStub quotaApi;

    @Inject
    Db db;

    @Inject
    dev.mailplatform.store.change.ChangeBus changes;

    @Inject
    MailboxStore mailboxStore;

    @Inject
    io.agroal.api.AgroalDataSource dataSource;

    private final MimeIndexer indexer = new MimeIndexer(262144);

    private Account account(String name) {
        String domain = name + "-" + System.nanoTime() + ".group.test";
        return accountApi.createAccount(CreateAccountRequest.newBuilder().setAddress("u@" + domain)
                .setPassword("correct horse battery").setCreateDomain(true).build());
    }

    private Item item(MailboxStore.Row mailbox, byte[] message, boolean rowSeen, int system, String... keywords)
            throws Exception {
        String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(message));
        return new Item(mailbox, hash, indexer.index(ByteBuffer.wrap(message)), message.length, rowSeen, system,
                keywords, Instant.parse("2026-01-02T03:04:05.678Z"), MessageAppends.newEmailId());
    }

    private record Counters(long uidnext, long highestModseq, int messages, int unseen, long size) {
    }

    private Counters counters(MailboxStore.Row mb) {
        return db.one("SELECT uidnext, highest_modseq, messages, unseen, size FROM mailbox WHERE id = ?",
                rs -> new Counters(rs.getLong(1), rs.getLong(2), rs.getInt(3), rs.getInt(4), rs.getLong(5)),
                mb.id()).orElseThrow();
    }

    @Test
    void aGroupGivesEachAppendWhatItWouldGetAloneInArrivalOrder() throws Exception {
        Account a = account("a");
        Account b = account("b");
        MailboxStore.Row aInbox = mailboxStore.find(a.getId(), "INBOX", false, 0);
        MailboxStore.Row aSent = mailboxStore.find(a.getId(), "Sent", false, 0);
        MailboxStore.Row bInbox = mailboxStore.find(b.getId(), "INBOX", false, 0);
        byte[] big = TestMessages.simple("big", "y".repeat(3000));
        byte[] small = TestMessages.simple("small", "z");
        // b has room for the small message but not the big one. In a group the small one comes after the big one,
        // so its running total is over the limit: it must still be admitted, as it would be alone.
        quotaApi.setQuota(SetQuotaRequest.newBuilder().setAccountId(b.getId())
                .setStorageLimit(small.length + 100).build());
        byte[] shared = TestMessages.simple("shared", "the same bytes into two mailboxes");
        MailboxStore.Row gone = new MailboxStore.Row(Long.MAX_VALUE, a.getId(), "Gone", 1, 1, 1, 0, 0, 0, "");

        List<Item> group = new ArrayList<>();
        group.add(item(aInbox, TestMessages.simple("one", "1"), false, 0));
        group.add(item(aInbox, shared, false, Flags.SEEN, "$Label1", "work"));
        group.add(item(bInbox, big, false, 0));
        group.add(item(aSent, shared, false, 0));
        group.add(item(bInbox, small, false, 0));
        group.add(item(gone, TestMessages.simple("gone", "nowhere"), false, 0));
        // It saw a blob row before uploading, but none is there now: the collector took it.
        group.add(item(aInbox, TestMessages.simple("collected", "row gone"), true, 0));
        group.add(item(aInbox, TestMessages.simple("three", "3"), false, 0));
        Counters aInboxBefore = counters(aInbox);

        List<Outcome> out = new AppendCommitter(db, changes, 16, new SimpleMeterRegistry()).commitGroup(group);

        assertEquals(List.of(Status.INSERTED, Status.INSERTED, Status.OVER_QUOTA, Status.INSERTED, Status.INSERTED,
                Status.NO_MAILBOX, Status.BLOB_GONE, Status.INSERTED), out.stream().map(Outcome::status).toList());
        // UIDs and modseqs per mailbox are consecutive, in arrival order.
        assertEquals(List.of(1L, 2L, 3L), List.of(out.get(0).uid(), out.get(1).uid(), out.get(7).uid()));
        assertEquals(aInboxBefore.highestModseq() + 1, out.get(0).modseq());
        assertEquals(aInboxBefore.highestModseq() + 2, out.get(1).modseq());
        assertEquals(aInboxBefore.highestModseq() + 3, out.get(7).modseq());
        assertEquals(1L, out.get(3).uid());
        assertEquals(1L, out.get(4).uid());
        assertEquals(aInbox.uidvalidity(), out.get(0).uidvalidity());
        assertEquals(aSent.uidvalidity(), out.get(3).uidvalidity());

        Counters inbox = counters(aInbox);
        assertEquals(new Counters(4, aInboxBefore.highestModseq() + 3, 3, 2,
                group.get(0).size() + group.get(1).size() + group.get(7).size()), inbox);
        assertEquals(1, counters(aSent).messages());
        assertEquals(new Counters(2, counters(bInbox).highestModseq(), 1, 1, small.length), counters(bInbox));

        record Usage(long bytes, long messages) {
        }
        Usage aUsage = db.one("SELECT storage_used, messages_used FROM account WHERE id = ?",
                rs -> new Usage(rs.getLong(1), rs.getLong(2)), a.getId()).orElseThrow();
        assertEquals(new Usage(group.get(0).size() + 2L * shared.length + group.get(7).size(), 4), aUsage);
        Usage bUsage = db.one("SELECT storage_used, messages_used FROM account WHERE id = ?",
                rs -> new Usage(rs.getLong(1), rs.getLong(2)), b.getId()).orElseThrow();
        assertEquals(new Usage(small.length, 1), bUsage);

        // The same bytes twice in one group: one blob row, referenced by both messages.
        assertEquals(2L, db.one("SELECT count(*) FROM message WHERE blob_hash = ?", rs -> rs.getLong(1),
                group.get(1).hash()).orElseThrow());
        assertEquals(1L, db.one("SELECT count(*) FROM blob WHERE hash = ?", rs -> rs.getLong(1),
                group.get(1).hash()).orElseThrow());
        // Flags, keywords and dates went to the right rows.
        record Row(int flags, String keywords, Instant internal) {
        }
        Row seen = db.one("SELECT system_flags, array_to_string(keywords, ' '), internal_date FROM message "
                + "WHERE mailbox_id = ? AND uid = 2", rs -> new Row(rs.getInt(1), rs.getString(2),
                        Db.instant(rs, "internal_date")), aInbox.id()).orElseThrow();
        assertEquals(new Row(Flags.SEEN, "$Label1 work", Instant.parse("2026-01-02T03:04:05.678Z")), seen);
        // Nothing was inserted for the refused, the mailbox-less and the collected appends.
        assertEquals(0L, db.one("SELECT count(*) FROM message WHERE blob_hash IN (?, ?, ?)", rs -> rs.getLong(1),
                group.get(2).hash(), group.get(5).hash(), group.get(6).hash()).orElseThrow());
        assertTrue(db.one("SELECT count(*) FROM blob WHERE hash = ?", rs -> rs.getLong(1), group.get(6).hash())
                .orElseThrow() == 1L, "the collected append's row is back, claimed for its retry");
    }

    @Test
    void concurrentCommitsFormGroupsAndEachAppendGetsItsOwnOutcome() throws Exception {
        Account a = account("c");
        MailboxStore.Row inbox = mailboxStore.find(a.getId(), "INBOX", false, 0);
        AppendCommitter committer = new AppendCommitter(db, changes, 4, new SimpleMeterRegistry());
        int threads = 8;
        int each = 10;
        List<Thread> ts = new ArrayList<>();
        List<Long> uids = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < threads; t++) {
            int me = t;
            Thread th = new Thread(() -> {
                try {
                    for (int i = 0; i < each; i++) {
                        Outcome o = committer.commit(item(inbox, TestMessages.simple("t" + me + "-" + i, "x"), false,
                                0));
                        assertEquals(Status.INSERTED, o.status());
                        uids.add(o.uid());
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            });
            ts.add(th);
            th.start();
        }
        for (Thread th : ts) {
            th.join(60_000);
        }
        assertEquals(List.of(), errors);
        List<Long> sorted = new ArrayList<>(uids);
        sorted.sort(null);
        List<Long> expected = new ArrayList<>();
        for (long u = 1; u <= threads * each; u++) {
            expected.add(u);
        }
        assertEquals(expected, sorted, "every append got its own UID, dense and unique");
        assertEquals(threads * each, counters(inbox).messages());
        assertTrue(committer.groups() < threads * each,
                "appends that arrived while another committed went together: " + committer.groups() + " groups");
    }

    @Test
    void aMailboxLockedByAnotherTransactionHoldsUpOnlyTheAppendsIntoIt() throws Exception {
        Account a = account("locked");
        Account b = account("free");
        MailboxStore.Row locked = mailboxStore.find(a.getId(), "INBOX", false, 0);
        MailboxStore.Row free = mailboxStore.find(b.getId(), "INBOX", false, 0);
        AppendCommitter committer = new AppendCommitter(db, changes, 16, new SimpleMeterRegistry());
        var pool = java.util.concurrent.Executors.newSingleThreadExecutor();
        try (java.sql.Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (var st = c.prepareStatement("SELECT 1 FROM mailbox WHERE id = ? FOR UPDATE")) {
                st.setLong(1, locked.id());
                st.executeQuery().close();
            }
            // Another transaction (a long COPY, say) holds the mailbox: the append into it must wait for it...
            var waiting = pool.submit(() -> committer.commit(item(locked, TestMessages.simple("wait", "w"), false, 0)));
            awaitLockWait(waiting, "the append into the locked mailbox");
            // ...on its own thread, not in the group: an append into another account's mailbox goes through meanwhile.
            Item otherItem = item(free, TestMessages.simple("free", "f"), false, 0);
            Outcome other = java.util.concurrent.CompletableFuture.supplyAsync(() -> committer.commit(otherItem))
                    .get(20, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(Status.INSERTED, other.status());
            assertTrue(!waiting.isDone(), "the append into the locked mailbox waits while the lock is held");
            c.rollback();
            Outcome after = waiting.get(20, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(Status.INSERTED, after.status());
            assertEquals(1L, after.uid());
        } finally {
            pool.shutdownNow();
        }
    }
}
