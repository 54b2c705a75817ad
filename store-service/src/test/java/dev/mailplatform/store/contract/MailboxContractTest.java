package dev.mailplatform.store.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailplatform.store.v1.Account;
import dev.mailplatform.store.v1.CreateMailboxRequest;
import dev.mailplatform.store.v1.DeleteMailboxRequest;
import dev.mailplatform.store.v1.GetStatusRequest;
import dev.mailplatform.store.v1.ListMailboxesRequest;
import dev.mailplatform.store.v1.MailboxInfo;
import dev.mailplatform.store.v1.MailboxRef;
import dev.mailplatform.store.v1.MailboxStatus;
import dev.mailplatform.store.v1.RenameMailboxRequest;
import dev.mailplatform.store.v1.SubscriptionRequest;
import io.grpc.Status;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

@QuarkusTest
class MailboxContractTest extends StoreContract {

    private Map<String, MailboxInfo> list(Account a) {
        return mailboxes.listMailboxes(ListMailboxesRequest.newBuilder().setAccountId(a.getId()).build())
                .getMailboxesList().stream().collect(Collectors.toMap(MailboxInfo::getName, Function.identity()));
    }

    private MailboxInfo create(Account a, String name) {
        return mailboxes.createMailbox(CreateMailboxRequest.newBuilder().setAccountId(a.getId()).setName(name).build());
    }

    @Test
    void createMakesMissingParentsAndReportsChildren() {
        Account a = newAccount();
        create(a, "Projects/2024/Q1");
        Map<String, MailboxInfo> m = list(a);
        assertTrue(m.containsKey("Projects"));
        assertTrue(m.containsKey("Projects/2024"));
        assertTrue(m.get("Projects").getHasChildren());
        assertTrue(m.get("Projects/2024").getHasChildren());
        assertFalse(m.get("Projects/2024/Q1").getHasChildren());
        assertStatus(Status.Code.ALREADY_EXISTS, () -> create(a, "Projects/2024/Q1"));
        assertStatus(Status.Code.ALREADY_EXISTS, () -> create(a, "inbox"));
        MailboxInfo special = mailboxes.createMailbox(CreateMailboxRequest.newBuilder().setAccountId(a.getId())
                .setName("All Mail").setSpecialUse("\\All").build());
        assertEquals("\\All", special.getSpecialUse());
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> mailboxes.createMailbox(CreateMailboxRequest.newBuilder()
                .setAccountId(a.getId()).setName("X").setSpecialUse("\\Bogus").build()));
        // Non-ASCII names are plain UTF-8 in the contract (front ends convert modified UTF-7).
        create(a, "Entwürfe/日本");
        assertTrue(list(a).containsKey("Entwürfe/日本"));
    }

    /** LIST is one statement: the account, its mailboxes and its subscriptions read together. */
    @Test
    void listShowsSubscriptionsWithoutTheirMailboxAndRefusesAMissingAccount() {
        Account a = newAccount();
        create(a, "Kept");
        create(a, "Gone");
        create(a, "Plain");
        mailboxes.subscribe(SubscriptionRequest.newBuilder().setAccountId(a.getId()).setName("Kept").build());
        mailboxes.subscribe(SubscriptionRequest.newBuilder().setAccountId(a.getId()).setName("Gone").build());
        mailboxes.deleteMailbox(DeleteMailboxRequest.newBuilder().setAccountId(a.getId()).setName("Gone").build());
        Map<String, MailboxInfo> m = list(a);
        assertTrue(m.get("Kept").getSubscribed());
        assertFalse(m.get("Kept").getNonexistent());
        assertTrue(m.get("Gone").getSubscribed(), "a subscription outlives its mailbox (RFC 3501 6.3.6)");
        assertTrue(m.get("Gone").getNonexistent());
        assertFalse(m.get("Plain").getSubscribed());
        assertFalse(m.get("Plain").getNonexistent());
        assertTrue(m.get("Plain").getUidvalidity() > 0);
        assertStatus(Status.Code.NOT_FOUND, () -> mailboxes.listMailboxes(ListMailboxesRequest.newBuilder()
                .setAccountId(-7).build()));
    }

    @Test
    void badNamesAreRefused() {
        Account a = newAccount();
        for (String bad : List.of("", "a\0b", "a//b", "/lead", "trail/", "star*", "pct%", "ctl\u0001",
                "x".repeat(1001), "a/".repeat(40) + "a")) {
            String msg = assertStatus(Status.Code.INVALID_ARGUMENT, () -> create(a, bad));
            assertTrue(msg != null && msg.contains("mailbox name"), msg);
        }
        assertStatus(Status.Code.NOT_FOUND, () -> mailboxes.createMailbox(CreateMailboxRequest.newBuilder()
                .setAccountId(-1).setName("Fine").build()));
    }

    @Test
    void deleteRules() {
        Account a = newAccount();
        create(a, "Parent/Child");
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> mailboxes.deleteMailbox(DeleteMailboxRequest.newBuilder()
                .setAccountId(a.getId()).setName("INBOX").build()));
        assertStatus(Status.Code.FAILED_PRECONDITION, () -> mailboxes.deleteMailbox(DeleteMailboxRequest.newBuilder()
                .setAccountId(a.getId()).setName("Parent").build()));
        append(a, "Parent/Child", TestMessages.simple("bye", "gone soon"));
        long before = accounts.getAccount(dev.mailplatform.store.v1.GetAccountRequest.newBuilder().setId(a.getId())
                .build()).getStorageUsed();
        assertTrue(before > 0);
        mailboxes.deleteMailbox(DeleteMailboxRequest.newBuilder().setAccountId(a.getId()).setName("Parent/Child")
                .build());
        mailboxes.deleteMailbox(DeleteMailboxRequest.newBuilder().setAccountId(a.getId()).setName("Parent").build());
        assertFalse(list(a).containsKey("Parent"));
        assertEquals(0, accounts.getAccount(dev.mailplatform.store.v1.GetAccountRequest.newBuilder().setId(a.getId())
                .build()).getStorageUsed(), "deleting a mailbox releases its quota");
        assertStatus(Status.Code.NOT_FOUND, () -> mailboxes.deleteMailbox(DeleteMailboxRequest.newBuilder()
                .setAccountId(a.getId()).setName("Parent").build()));
    }

    @Test
    void renameMovesChildrenAndSubscriptions() {
        Account a = newAccount();
        MailboxInfo old = create(a, "Work/Clients/Acme");
        mailboxes.subscribe(SubscriptionRequest.newBuilder().setAccountId(a.getId()).setName("Work/Clients/Acme").build());
        append(a, "Work/Clients/Acme", TestMessages.simple("acme", "body"));
        mailboxes.renameMailbox(RenameMailboxRequest.newBuilder().setAccountId(a.getId()).setFrom("Work")
                .setTo("Archive/2023/Work").build());
        Map<String, MailboxInfo> m = list(a);
        assertFalse(m.containsKey("Work"));
        assertFalse(m.containsKey("Work/Clients/Acme"));
        MailboxInfo moved = m.get("Archive/2023/Work/Clients/Acme");
        assertEquals(old.getUidvalidity(), moved.getUidvalidity(), "a rename keeps UIDVALIDITY");
        assertTrue(moved.getSubscribed(), "subscriptions follow the rename");
        assertTrue(m.containsKey("Archive/2023"));
        assertEquals(1, status(a, "Archive/2023/Work/Clients/Acme").getMessages());
        assertStatus(Status.Code.ALREADY_EXISTS, () -> mailboxes.renameMailbox(RenameMailboxRequest.newBuilder()
                .setAccountId(a.getId()).setFrom("Sent").setTo("Drafts").build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> mailboxes.renameMailbox(RenameMailboxRequest.newBuilder()
                .setAccountId(a.getId()).setFrom("Sent").setTo("Sent/Inner").build()));
        assertStatus(Status.Code.NOT_FOUND, () -> mailboxes.renameMailbox(RenameMailboxRequest.newBuilder()
                .setAccountId(a.getId()).setFrom("Nope").setTo("Other").build()));
        // A mailbox created again under an old name gets a new UIDVALIDITY.
        MailboxInfo again = create(a, "Work/Clients/Acme");
        assertNotEquals(old.getUidvalidity(), again.getUidvalidity());
    }

    /** Java counts UTF-16 units, PostgreSQL's substr code points: a name with non-BMP characters must not shift. */
    @Test
    void renameWithCharactersOutsideTheBmpKeepsChildrenNamesWhole() {
        Account a = newAccount();
        create(a, "\uD83D\uDCEC Post \uD83D\uDE00/Kinder/\uD83C\uDF89 Party");
        mailboxes.subscribe(SubscriptionRequest.newBuilder().setAccountId(a.getId())
                .setName("\uD83D\uDCEC Post \uD83D\uDE00/Kinder").build());
        mailboxes.renameMailbox(RenameMailboxRequest.newBuilder().setAccountId(a.getId())
                .setFrom("\uD83D\uDCEC Post \uD83D\uDE00").setTo("Alt").build());
        Map<String, MailboxInfo> m = list(a);
        assertTrue(m.containsKey("Alt/Kinder"), m.keySet().toString());
        assertTrue(m.containsKey("Alt/Kinder/\uD83C\uDF89 Party"), m.keySet().toString());
        assertTrue(m.get("Alt/Kinder").getSubscribed(), "the subscription follows with its name whole");
    }

    @Test
    void renamingInboxMovesItsMessagesAndLeavesItEmpty() {
        Account a = newAccount();
        create(a, "INBOX/Sub");
        append(a, "INBOX", TestMessages.simple("one", "1"));
        append(a, "INBOX", TestMessages.simple("two", "2"));
        MailboxStatus inboxBefore = status(a, "INBOX");
        mailboxes.renameMailbox(RenameMailboxRequest.newBuilder().setAccountId(a.getId()).setFrom("inbox")
                .setTo("Old Inbox").build());
        MailboxStatus inbox = status(a, "INBOX");
        MailboxStatus old = status(a, "Old Inbox");
        assertEquals(0, inbox.getMessages());
        assertEquals(2, old.getMessages());
        assertEquals(inboxBefore.getUidvalidity(), inbox.getUidvalidity());
        assertTrue(inbox.getUidnext() >= inboxBefore.getUidnext(), "INBOX UIDs are never reused");
        assertTrue(list(a).containsKey("INBOX/Sub"), "children of INBOX stay");
        append(a, "INBOX", TestMessages.simple("three", "3"));
        assertEquals(inboxBefore.getUidnext(), status(a, "INBOX").getUidnext() - 1);
    }

    @Test
    void subscriptionsIncludingNonexistentNames() {
        Account a = newAccount();
        mailboxes.subscribe(SubscriptionRequest.newBuilder().setAccountId(a.getId()).setName("Ghost").build());
        Map<String, MailboxInfo> m = list(a);
        assertTrue(m.get("Ghost").getNonexistent());
        assertTrue(m.get("Ghost").getSubscribed());
        assertTrue(m.get("INBOX").getSubscribed(), "default mailboxes are subscribed");
        mailboxes.unsubscribe(SubscriptionRequest.newBuilder().setAccountId(a.getId()).setName("Ghost").build());
        mailboxes.unsubscribe(SubscriptionRequest.newBuilder().setAccountId(a.getId()).setName("Sent").build());
        m = list(a);
        assertFalse(m.containsKey("Ghost"));
        assertFalse(m.get("Sent").getSubscribed());
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> mailboxes.subscribe(SubscriptionRequest.newBuilder()
                .setAccountId(a.getId()).setName("bad//name").build()));
    }

    @Test
    void statusCountersFollowEveryChange() {
        Account a = newAccount();
        MailboxStatus s0 = status(a, "INBOX");
        assertEquals(0, s0.getMessages());
        assertEquals(1, s0.getUidnext());
        byte[] m1 = TestMessages.simple("s1", "one");
        byte[] m2 = TestMessages.simple("s2", "two");
        append(a, "INBOX", m1, 1 /* \Seen */, List.of());
        append(a, "INBOX", m2);
        MailboxStatus s = status(a, "INBOX");
        assertEquals(2, s.getMessages());
        assertEquals(1, s.getUnseen());
        assertEquals(3, s.getUidnext());
        assertEquals(2, s.getFirstUnseenUid());
        assertEquals(m1.length + m2.length, s.getSize());
        assertTrue(s.getHighestModseq() > s0.getHighestModseq());
        assertStatus(Status.Code.NOT_FOUND, () -> status(a, "Nope"));
        assertStatus(Status.Code.FAILED_PRECONDITION, () -> mailboxes.getStatus(GetStatusRequest.newBuilder()
                .setMailbox(MailboxRef.newBuilder().setAccountId(a.getId()).setMailbox("INBOX")
                        .setExpectedUidvalidity(s.getUidvalidity() + 1)).build()));
    }

    private MailboxStatus status(Account a, String name) {
        return mailboxes.getStatus(GetStatusRequest.newBuilder().setMailbox(ref(a, name)).build());
    }
}
