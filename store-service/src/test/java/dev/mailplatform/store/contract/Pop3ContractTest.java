package dev.mailplatform.store.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailplatform.store.jobs.RetentionJob;
import dev.mailplatform.store.v1.Account;
import dev.mailplatform.store.v1.AuthResult;
import dev.mailplatform.store.v1.AuthenticateRequest;
import dev.mailplatform.store.v1.CommitMaildropRequest;
import dev.mailplatform.store.v1.FetchMetadataRequest;
import dev.mailplatform.store.v1.Flags;
import dev.mailplatform.store.v1.GetRetentionPolicyRequest;
import dev.mailplatform.store.v1.GetStatusRequest;
import dev.mailplatform.store.v1.LeaseRequest;
import dev.mailplatform.store.v1.LoginRequest;
import dev.mailplatform.store.v1.LoginResponse;
import dev.mailplatform.store.v1.MaildropEntry;
import dev.mailplatform.store.v1.MaildropHeader;
import dev.mailplatform.store.v1.OpenMaildropRequest;
import dev.mailplatform.store.v1.OpenMaildropResponse;
import dev.mailplatform.store.v1.RecordRetrievalRequest;
import dev.mailplatform.store.v1.RetentionPolicy;
import dev.mailplatform.store.v1.SetRetentionPolicyRequest;
import dev.mailplatform.store.v1.StoreFlagsRequest;
import dev.mailplatform.store.v1.UpdateAccountRequest;
import dev.mailplatform.testkit.StoreInfraResource;
import io.grpc.Status;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
class Pop3ContractTest extends StoreContract {

    @Inject
    RetentionJob retention;

    @Inject
    io.micrometer.core.instrument.MeterRegistry registry;

    private double leaseConflicts() {
        return registry.counter("mail.store.pop3.lease.conflicts").count();
    }

    record Drop(MaildropHeader header, List<MaildropEntry> entries) {
    }

    private Drop open(Account a, int leaseSeconds) {
        List<OpenMaildropResponse> r = drain(pop3.openMaildrop(OpenMaildropRequest.newBuilder()
                .setAccountId(a.getId()).setOwner("test").setLeaseSeconds(leaseSeconds).build()));
        List<MaildropEntry> entries = new ArrayList<>();
        r.stream().skip(1).forEach(x -> entries.addAll(x.getBatch().getEntriesList()));
        return new Drop(r.get(0).getHeader(), entries);
    }

    /** Polls until the maildrop opens (the previous lease expired) or the deadline passes. */
    private Drop openOnceFree(Account a, java.time.Instant deadline) throws InterruptedException {
        while (true) {
            try {
                return open(a, 60);
            } catch (RuntimeException e) {
                RuntimeException u = unwrap(e);
                if (!(u instanceof io.grpc.StatusRuntimeException s) || s.getStatus().getCode() != Status.Code.ABORTED
                        || java.time.Instant.now().isAfter(deadline)) {
                    throw u;
                }
                Thread.sleep(100);
            }
        }
    }

    @Test
    void leaseIsExclusiveAndACrashedHoldersLeaseExpires() throws Exception {
        Account a = newAccount();
        append(a, "INBOX", TestMessages.simple("p1", "one"));
        java.time.Instant firstExpiry = java.time.Instant.now().plusSeconds(2);
        Drop first = open(a, 2);
        assertEquals(1, first.entries().size());
        double conflicts = leaseConflicts();
        String msg = assertStatus(Status.Code.ABORTED, () -> open(a, 60));
        assertTrue(msg.contains("locked"), msg);
        assertEquals(conflicts + 1, leaseConflicts(), "the refused second session is counted");
        // Renewal keeps it alive past its first expiry.
        pop3.renewLease(LeaseRequest.newBuilder().setAccountId(a.getId()).setLeaseId(first.header().getLeaseId())
                .setLeaseSeconds(3).build());
        awaitWallClock(firstExpiry.plusMillis(100));
        assertStatus(Status.Code.ABORTED, () -> open(a, 60));
        // The holder "crashes": it stops renewing, the lease expires, the next session gets the maildrop.
        Drop second = openOnceFree(a, java.time.Instant.now().plusSeconds(15));
        assertEquals(1, second.entries().size());
        assertStatus(Status.Code.NOT_FOUND, () -> pop3.renewLease(LeaseRequest.newBuilder().setAccountId(a.getId())
                .setLeaseId(first.header().getLeaseId()).build()));
        assertStatus(Status.Code.NOT_FOUND, () -> pop3.commitMaildrop(CommitMaildropRequest.newBuilder()
                .setAccountId(a.getId()).setLeaseId(first.header().getLeaseId()).addDeletedUids(1).build()));
        assertEquals(1, inboxCount(a), "the stale holder deleted nothing");
        pop3.releaseMaildrop(LeaseRequest.newBuilder().setAccountId(a.getId()).setLeaseId(second.header().getLeaseId())
                .build());
        open(a, 60);
    }

    @Test
    void loginChecksThePasswordThenTakesTheLeaseInOneCall() throws Exception {
        Account a = newAccount();
        append(a, "INBOX", TestMessages.simple("l1", "one"));
        append(a, "INBOX", TestMessages.simple("l2", "two"));
        // A wrong password: the refusal as Authenticate gives it (counted), nothing more, and no lease is taken.
        List<LoginResponse> refused = drain(pop3.login(login(a, "wrong password")));
        assertEquals(1, refused.size());
        assertEquals(AuthResult.AUTH_INVALID_CREDENTIALS, refused.get(0).getAuth().getResult());
        assertTrue(refused.get(0).getAuth().getFailuresForUser() >= 1);
        String held = open(a, 60).header().getLeaseId();
        pop3.releaseMaildrop(LeaseRequest.newBuilder().setAccountId(a.getId()).setLeaseId(held).build());
        // The right one, once the failure's delay has passed (a front end holds its answer that long): the account,
        // then the snapshot OpenMaildrop would give, under a lease of its own.
        Thread.sleep(refused.get(0).getAuth().getDelayMs());
        List<LoginResponse> ok = drain(pop3.login(login(a, PASSWORD)));
        assertEquals(AuthResult.AUTH_OK, ok.get(0).getAuth().getResult());
        assertEquals(a.getId(), ok.get(0).getAuth().getAccount().getId());
        MaildropHeader h = ok.get(1).getHeader();
        assertEquals(2, h.getMessages());
        List<Integer> uids = new ArrayList<>();
        ok.stream().skip(2).forEach(x -> x.getBatch().getEntriesList().forEach(e -> uids.add(e.getUid())));
        assertEquals(List.of(1, 2), uids);
        double conflicts = leaseConflicts();
        String msg = assertStatus(Status.Code.ABORTED, () -> drain(pop3.login(login(a, PASSWORD))));
        assertTrue(msg.contains("locked"), msg);
        assertEquals(conflicts + 1, leaseConflicts(), "a refused Login is counted as well");
        assertStatus(Status.Code.ABORTED, () -> open(a, 60));
        pop3.commitMaildrop(CommitMaildropRequest.newBuilder().setAccountId(a.getId()).setLeaseId(h.getLeaseId())
                .build());
        open(a, 60);
    }

    private static LoginRequest login(Account a, String password) {
        return LoginRequest.newBuilder().setOwner("test").setCredentials(AuthenticateRequest.newBuilder()
                .setUsername(a.getAddress()).setPassword(password).setRemoteIp("192.0.2.9").setProtocol("pop3"))
                .build();
    }

    @Test
    void commitDeletesAtomicallyAndReleasesUidlsStayStable() {
        Account a = newAccount();
        for (int i = 0; i < 4; i++) {
            append(a, "INBOX", TestMessages.simple("c" + i, "n" + i));
        }
        Drop d = open(a, 60);
        assertEquals(4, d.header().getMessages());
        assertEquals(-1, d.header().getRetentionDays(), "retention defaults to never");
        List<String> uidls = d.entries().stream().map(MaildropEntry::getUniqueId).toList();
        assertEquals(4, uidls.stream().distinct().count());
        // Flags changed over IMAP do not change UIDLs.
        storeFlags(StoreFlagsRequest.newBuilder().setMailbox(ref(a, "INBOX")).setUids(all())
                .setFlags(Flags.newBuilder().setSystem(1 | 4)).build());
        pop3.releaseMaildrop(LeaseRequest.newBuilder().setAccountId(a.getId()).setLeaseId(d.header().getLeaseId())
                .build());
        Drop again = open(a, 60);
        assertEquals(uidls, again.entries().stream().map(MaildropEntry::getUniqueId).toList());
        var resp = pop3.commitMaildrop(CommitMaildropRequest.newBuilder().setAccountId(a.getId())
                .setLeaseId(again.header().getLeaseId()).addDeletedUids(again.entries().get(0).getUid())
                .addDeletedUids(again.entries().get(2).getUid()).build());
        assertEquals(2, resp.getDeleted());
        assertEquals(2, inboxCount(a), "deleted over POP3 means gone for IMAP too");
        Drop third = open(a, 60);
        assertEquals(List.of(uidls.get(1), uidls.get(3)),
                third.entries().stream().map(MaildropEntry::getUniqueId).toList());
    }

    @Test
    void commitRecordsRetrievalsWithTheDeletionsInOneTransaction() throws Exception {
        Account a = newAccount();
        for (int i = 0; i < 4; i++) {
            append(a, "INBOX", TestMessages.simple("q" + i, "n" + i));
        }
        Drop d = open(a, 60);
        // UID 0 fails the whole commit: nothing deleted, nothing recorded, the lease still held.
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> pop3.commitMaildrop(CommitMaildropRequest.newBuilder()
                .setAccountId(a.getId()).setLeaseId(d.header().getLeaseId()).addDeletedUids(4)
                .addRetrievedUids(2).addRetrievedUids(0).setMarkSeen(true).build()));
        assertEquals(4, inboxCount(a));
        assertEquals(0, seenMask(a));
        assertEquals(List.of(), retrieved(a));
        // 1 retrieved and deleted, 2 and 3 retrieved, 4 not; 99 does not exist and is skipped.
        var resp = pop3.commitMaildrop(CommitMaildropRequest.newBuilder().setAccountId(a.getId())
                .setLeaseId(d.header().getLeaseId()).addDeletedUids(1).addRetrievedUids(3).addRetrievedUids(1)
                .addRetrievedUids(2).addRetrievedUids(99).setMarkSeen(true).build());
        assertEquals(1, resp.getDeleted());
        assertEquals(List.of(2, 3), retrieved(a));
        assertEquals(0b0110, seenMask(a), "\\Seen on 2 and 3 only");
        // The first retrieval counts: a later one leaves the time alone. Without mark_seen no flag changes.
        backdate(a, 2, 5);
        Drop again = open(a, 60);
        pop3.commitMaildrop(CommitMaildropRequest.newBuilder().setAccountId(a.getId())
                .setLeaseId(again.header().getLeaseId()).addRetrievedUids(2).addRetrievedUids(4).build());
        assertEquals(List.of(2, 3, 4), retrieved(a));
        assertEquals(0b0110, seenMask(a), "mark_seen false sets no flag");
        pop3.setRetentionPolicy(SetRetentionPolicyRequest.newBuilder().setAccountId(a.getId()).setRetentionDays(2)
                .build());
        retention.run();
        assertEquals(List.of(3, 4), retrieved(a), "2 kept its first retrieval time, 5 days ago, and is due");
    }

    @Test
    void recordRetrievalTakesManyUidsInOneCall() throws Exception {
        Account a = newAccount();
        for (int i = 0; i < 4; i++) {
            append(a, "INBOX", TestMessages.simple("w" + i, "n" + i));
        }
        Drop d = open(a, 60);
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> pop3.recordRetrieval(RecordRetrievalRequest.newBuilder()
                .setAccountId(a.getId()).setLeaseId(d.header().getLeaseId()).build()));
        // uids plus the single uid of the first version; 42 no longer exists and is skipped.
        pop3.recordRetrieval(RecordRetrievalRequest.newBuilder().setAccountId(a.getId())
                .setLeaseId(d.header().getLeaseId()).addUids(1).addUids(42).addUids(2).setUid(4).setMarkSeen(true)
                .build());
        assertEquals(List.of(1, 2, 4), retrieved(a));
        assertEquals(0b1011, seenMask(a));
        pop3.recordRetrieval(RecordRetrievalRequest.newBuilder().setAccountId(a.getId())
                .setLeaseId(d.header().getLeaseId()).addUids(3).build());
        assertEquals(List.of(1, 2, 3, 4), retrieved(a));
        assertEquals(0b1011, seenMask(a), "mark_seen false sets no flag");
        pop3.releaseMaildrop(LeaseRequest.newBuilder().setAccountId(a.getId()).setLeaseId(d.header().getLeaseId())
                .build());
        assertEquals(4, inboxCount(a), "recording retrievals deletes nothing");
        assertStatus(Status.Code.NOT_FOUND, () -> pop3.recordRetrieval(RecordRetrievalRequest.newBuilder()
                .setAccountId(a.getId()).setLeaseId(d.header().getLeaseId()).addUids(1).build()));
    }

    /** Bit uid-1 set for each INBOX message with \Seen. */
    private int seenMask(Account a) {
        int[] mask = {0};
        drain(messages.fetchMetadata(FetchMetadataRequest.newBuilder().setMailbox(ref(a, "INBOX")).setUids(all())
                .setFlags(true).build())).forEach(r -> r.getMessagesList().forEach(m -> {
                    if ((m.getSystemFlags() & 1) != 0) {
                        mask[0] |= 1 << (m.getUid() - 1);
                    }
                }));
        return mask[0];
    }

    /** The INBOX UIDs with a retrieval time. */
    private static List<Integer> retrieved(Account a) throws Exception {
        try (Connection c = DriverManager.getConnection(StoreInfraResource.jdbcUrl(), StoreInfraResource.dbUser(),
                StoreInfraResource.dbPassword());
                var rs = c.createStatement().executeQuery("SELECT uid FROM message WHERE pop3_retrieved_at IS NOT NULL"
                        + " AND mailbox_id = (SELECT id FROM mailbox WHERE account_id = " + a.getId()
                        + " AND name = 'INBOX') ORDER BY uid")) {
            List<Integer> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getInt(1));
            }
            return out;
        }
    }

    @Test
    void loginDelayIsEnforced() {
        Account a = newAccount();
        accounts.updateAccount(UpdateAccountRequest.newBuilder().setId(a.getId()).setPop3LoginDelaySeconds(300).build());
        Drop d = open(a, 60);
        assertEquals(300, d.header().getLoginDelaySeconds());
        pop3.releaseMaildrop(LeaseRequest.newBuilder().setAccountId(a.getId()).setLeaseId(d.header().getLeaseId())
                .build());
        String msg = assertStatus(Status.Code.FAILED_PRECONDITION, () -> open(a, 60));
        assertTrue(msg.startsWith("login-delay"), msg);
    }

    @Test
    void retentionPolicyAccountOverridesDomain() {
        Account a = newAccount();
        RetentionPolicy p = pop3.getRetentionPolicy(GetRetentionPolicyRequest.newBuilder().setAccountId(a.getId())
                .build());
        assertEquals(-1, p.getRetentionDays());
        assertEquals("domain", p.getSource());
        pop3.setRetentionPolicy(SetRetentionPolicyRequest.newBuilder().setDomainId(a.getDomainId()).setRetentionDays(30)
                .build());
        assertEquals(30, pop3.getRetentionPolicy(GetRetentionPolicyRequest.newBuilder().setAccountId(a.getId())
                .build()).getRetentionDays());
        p = pop3.setRetentionPolicy(SetRetentionPolicyRequest.newBuilder().setAccountId(a.getId()).setRetentionDays(3)
                .build());
        assertEquals(3, p.getRetentionDays());
        assertEquals("account", p.getSource());
        assertEquals(30, p.getDomainRetentionDays());
        p = pop3.setRetentionPolicy(SetRetentionPolicyRequest.newBuilder().setAccountId(a.getId()).setClear(true)
                .build());
        assertEquals(30, p.getRetentionDays());
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> pop3.setRetentionPolicy(SetRetentionPolicyRequest.newBuilder()
                .setAccountId(a.getId()).setRetentionDays(-7).build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> pop3.getRetentionPolicy(
                GetRetentionPolicyRequest.getDefaultInstance()));
    }

    @Test
    void retentionDeletesOnlyWhatIsDue() throws Exception {
        Account a = newAccount();
        Account never = newAccount();
        for (int i = 0; i < 4; i++) {
            append(a, "INBOX", TestMessages.simple("r" + i, "n" + i));
            append(never, "INBOX", TestMessages.simple("r" + i, "n" + i));
        }
        append(a, "Archive", TestMessages.simple("archived", "not in the maildrop"));
        pop3.setRetentionPolicy(SetRetentionPolicyRequest.newBuilder().setAccountId(a.getId()).setRetentionDays(2)
                .build());
        for (Account acc : List.of(a, never)) {
            Drop d = open(acc, 60);
            // Messages 1..3 retrieved; 4 never.
            pop3.recordRetrieval(RecordRetrievalRequest.newBuilder().setAccountId(acc.getId())
                    .setLeaseId(d.header().getLeaseId()).addUids(1).addUids(2).addUids(3).build());
            // While a session holds the maildrop, nothing is deleted under it.
            backdate(acc, 1, 5);
            retention.run();
            assertEquals(4, inboxCount(acc));
            pop3.releaseMaildrop(LeaseRequest.newBuilder().setAccountId(acc.getId())
                    .setLeaseId(d.header().getLeaseId()).build());
        }
        // 1 was retrieved 5 days ago (due), 2 one day ago (not due), 3 just now, 4 never.
        backdate(a, 2, 1);
        backdate(never, 2, 1);
        retention.run();
        List<Integer> left = new ArrayList<>();
        drain(messages.fetchMetadata(FetchMetadataRequest.newBuilder().setMailbox(ref(a, "INBOX")).setUids(all())
                .build())).forEach(r -> r.getMessagesList().forEach(m -> left.add(m.getUid())));
        assertEquals(List.of(2, 3, 4), left);
        assertEquals(4, inboxCount(never), "a policy of never keeps everything");
        assertEquals(1, mailboxes.getStatus(GetStatusRequest.newBuilder().setMailbox(ref(a, "Archive")).build())
                .getMessages(), "retention covers the maildrop only");
        assertStatus(Status.Code.NOT_FOUND, () -> pop3.recordRetrieval(RecordRetrievalRequest.newBuilder()
                .setAccountId(a.getId()).setLeaseId("no-such-lease").addUids(2).build()));
    }

    private static void backdate(Account a, int uid, int days) throws Exception {
        try (Connection c = DriverManager.getConnection(StoreInfraResource.jdbcUrl(), StoreInfraResource.dbUser(),
                StoreInfraResource.dbPassword())) {
            c.createStatement().executeUpdate("UPDATE message SET pop3_retrieved_at = now() - interval '" + days
                    + " days' WHERE uid = " + uid + " AND mailbox_id = (SELECT id FROM mailbox WHERE account_id = "
                    + a.getId() + " AND name = 'INBOX')");
        }
    }

    private int inboxCount(Account a) {
        return mailboxes.getStatus(GetStatusRequest.newBuilder().setMailbox(ref(a, "INBOX")).build()).getMessages();
    }
}
