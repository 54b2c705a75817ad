package dev.mailplatform.store.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailplatform.store.v1.Account;
import dev.mailplatform.store.v1.AuthResult;
import dev.mailplatform.store.v1.AuthenticateRequest;
import dev.mailplatform.store.v1.AuthenticateResponse;
import dev.mailplatform.store.v1.CopyRequest;
import dev.mailplatform.store.v1.ExpungeRequest;
import dev.mailplatform.store.v1.Flags;
import dev.mailplatform.store.v1.GetQuotaRequest;
import dev.mailplatform.store.v1.GetStatusRequest;
import dev.mailplatform.store.v1.Quota;
import dev.mailplatform.store.v1.SetQuotaRequest;
import dev.mailplatform.store.v1.StoreFlagsRequest;
import dev.mailplatform.testkit.StoreInfraResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Quota warnings (default thresholds 80 and 95 %, alert at 95 %): one quota-exempt message in the INBOX per
 * threshold reached, an alert at login above 95 %, re-armed when the usage falls back.
 */
@QuarkusTest
class QuotaWarningContractTest extends StoreContract {

    /** A warning as stored: its UID, its mailbox, and its subject. */
    record Warning(String mailbox, long uid, String subject) {
    }

    @Test
    void eachThresholdWarnsOnceUncountedAndFallingBackReArmsIt() throws Exception {
        Account a = newAccount();
        byte[] m = TestMessages.simple("filler", "x".repeat(1000));
        quotas.setQuota(SetQuotaRequest.newBuilder().setAccountId(a.getId()).setStorageLimit(m.length * 10L).build());
        List<Integer> uids = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            uids.add(append(a, "INBOX", m).getUid());
        }
        assertEquals(List.of(), warnings(a), "70 %: no warning yet");
        assertEquals("", login(a).getQuotaAlert());

        uids.add(append(a, "INBOX", m).getUid());
        List<Warning> w = warnings(a);
        assertEquals(1, w.size(), "80 %: one warning, there when the append that crossed it returns: " + w);
        assertEquals("Your mailbox is 80% full", w.get(0).subject());
        assertEquals("INBOX", w.get(0).mailbox());
        assertEquals(uids.get(7) + 1, w.get(0).uid(), "it follows the append that crossed the threshold");
        assertEquals(8L * m.length, quota(a).getStorageUsed(), "the warning is not counted");
        assertEquals(8, quota(a).getMessagesUsed());
        assertEquals(9, inboxMessages(a), "but it is in the INBOX");

        uids.add(append(a, "INBOX", m).getUid());
        assertEquals(1, warnings(a).size(), "90 %: nothing new");
        assertEquals("", login(a).getQuotaAlert());

        uids.add(append(a, "INBOX", m).getUid()); // exactly full: the limit admits it
        w = warnings(a);
        assertEquals(2, w.size(), "95 %: its own warning, whatever the quota: " + w);
        assertEquals("Your mailbox is 95% full", w.get(1).subject());
        assertEquals(10L * m.length, quota(a).getStorageUsed());
        String alert = login(a).getQuotaAlert();
        assertTrue(alert.startsWith("Your mailbox is 100% full"), alert);
        assertEquals(alert, login(a).getQuotaAlert(), "every login while above 95 %");

        // Deleting three messages brings it to 70 %: both warnings re-arm, and the alert stops.
        expungeUids(a, uids.subList(0, 3));
        assertEquals(7L * m.length, quota(a).getStorageUsed());
        assertEquals("", login(a).getQuotaAlert());
        append(a, "INBOX", m);
        w = warnings(a);
        assertEquals(3, w.size(), "80 % again: a new warning: " + w);
        assertEquals("Your mailbox is 80% full", w.get(2).subject());

        // The warnings' own removal and moves release and charge nothing; a copy is a message like any other.
        long used = quota(a).getStorageUsed();
        Warning first = w.get(0);
        move(CopyRequest.newBuilder().setSource(ref(a, "INBOX")).setUids(uids((int) first.uid(), (int) first.uid()))
                .setDestination("Archive").build());
        assertEquals(used, quota(a).getStorageUsed(), "a moved warning stays exempt");
        Warning moved = warnings(a).stream().filter(x -> x.mailbox().equals("Archive")).findFirst().orElseThrow();
        expungeUids(a, "Archive", List.of((int) moved.uid()));
        assertEquals(used, quota(a).getStorageUsed(), "an expunged warning releases nothing");
        Warning second = warnings(a).get(0);
        long warningSize = size(a, second);
        copy(CopyRequest.newBuilder().setSource(ref(a, "INBOX")).setUids(uids((int) second.uid(),
                (int) second.uid())).setDestination("Trash").build());
        assertEquals(used + warningSize, quota(a).getStorageUsed(), "a copy is the user's own message");
    }

    @Test
    void aJumpOverBothThresholdsSendsTheHigherOnlyAndALowerLimitWarnsToo() throws Exception {
        Account a = newAccount();
        byte[] m = TestMessages.simple("big", "y".repeat(2000));
        quotas.setQuota(SetQuotaRequest.newBuilder().setAccountId(a.getId()).setMessageLimit(100).build());
        append(a, "INBOX", m);
        append(a, "INBOX", m);
        assertEquals(List.of(), warnings(a));
        // Lowering the limit to 2 messages puts the account at 100 %: the 95 % warning comes after that commit.
        quotas.setQuota(SetQuotaRequest.newBuilder().setAccountId(a.getId()).setMessageLimit(2).build());
        List<Warning> w = awaitWarnings(a, 1);
        assertEquals("Your mailbox is 95% full", w.get(0).subject(), "the higher threshold only: " + w);
        assertTrue(login(a).getQuotaAlert().contains("2 of 2 messages"), login(a).getQuotaAlert());
        // Raising it puts it back below both: the alert stops, and nothing else arrives.
        quotas.setQuota(SetQuotaRequest.newBuilder().setAccountId(a.getId()).setMessageLimit(1000).build());
        assertEquals("", login(a).getQuotaAlert());
        assertEquals(1, warnings(a).size());
    }

    private List<Warning> awaitWarnings(Account a, int n) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        List<Warning> w = warnings(a);
        while (w.size() < n && System.nanoTime() < deadline) {
            Thread.sleep(20); // the check runs after the quota change's commit, on a worker thread
            w = warnings(a);
        }
        assertEquals(n, w.size(), "warnings: " + w);
        return w;
    }

    private AuthenticateResponse login(Account a) {
        AuthenticateResponse r = accounts.authenticate(AuthenticateRequest.newBuilder().setUsername(a.getAddress())
                .setPassword(PASSWORD).setRemoteIp("127.0.0.1").setProtocol("imap").build());
        assertEquals(AuthResult.AUTH_OK, r.getResult());
        return r;
    }

    private Quota quota(Account a) {
        return quotas.getQuota(GetQuotaRequest.newBuilder().setAccountId(a.getId()).build());
    }

    private int inboxMessages(Account a) {
        return mailboxes.getStatus(GetStatusRequest.newBuilder().setMailbox(ref(a, "INBOX")).build()).getMessages();
    }

    private void expungeUids(Account a, List<Integer> uidList) {
        expungeUids(a, "INBOX", uidList);
    }

    private void expungeUids(Account a, String mailbox, List<Integer> uidList) {
        for (int uid : uidList) {
            storeFlags(StoreFlagsRequest.newBuilder().setMailbox(ref(a, mailbox)).setUids(uids(uid, uid))
                    .setFlags(Flags.newBuilder().setSystem(8)).build());
        }
        expunge(ExpungeRequest.newBuilder().setMailbox(ref(a, mailbox)).build());
    }

    private static Connection db() throws Exception {
        return DriverManager.getConnection(StoreInfraResource.jdbcUrl(), StoreInfraResource.dbUser(),
                StoreInfraResource.dbPassword());
    }

    /** The account's quota-exempt messages, in the order they were stored. */
    private static List<Warning> warnings(Account a) throws Exception {
        try (Connection c = db(); PreparedStatement ps = c.prepareStatement("SELECT mb.name, m.uid, b.header_raw "
                + "FROM message m JOIN mailbox mb ON mb.id = m.mailbox_id JOIN blob b ON b.hash = m.blob_hash "
                + "WHERE mb.account_id = ? AND m.quota_exempt ORDER BY m.modseq")) {
            ps.setLong(1, a.getId());
            List<Warning> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String header = new String(rs.getBytes(3), StandardCharsets.UTF_8);
                    String subject = header.lines().filter(l -> l.startsWith("Subject: ")).findFirst()
                            .map(l -> l.substring(9)).orElse("?");
                    out.add(new Warning(rs.getString(1), rs.getLong(2), subject));
                }
            }
            return out;
        }
    }

    private static long size(Account a, Warning w) throws Exception {
        try (Connection c = db(); PreparedStatement ps = c.prepareStatement("SELECT m.size FROM message m "
                + "JOIN mailbox mb ON mb.id = m.mailbox_id WHERE mb.account_id = ? AND mb.name = ? AND m.uid = ?")) {
            ps.setLong(1, a.getId());
            ps.setString(2, w.mailbox());
            ps.setLong(3, w.uid());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
