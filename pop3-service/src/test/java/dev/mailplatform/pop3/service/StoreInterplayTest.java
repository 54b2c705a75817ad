package dev.mailplatform.pop3.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailplatform.store.v1.Account;
import dev.mailplatform.store.v1.AppendResponse;
import dev.mailplatform.store.v1.Flags;
import dev.mailplatform.store.v1.FlagsMode;
import dev.mailplatform.store.v1.GetStatusRequest;
import dev.mailplatform.store.v1.MailboxRef;
import dev.mailplatform.store.v1.SelectRequest;
import dev.mailplatform.store.v1.SelectResponse;
import dev.mailplatform.store.v1.StoreFlagsRequest;
import dev.mailplatform.store.v1.SystemFlag;
import dev.mailplatform.store.v1.UidRange;
import dev.mailplatform.store.v1.UidSet;
import dev.mailplatform.testkit.StoreServiceResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Properties;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** What IMAP will see of POP3's work, checked at the store's API (the IMAP front end is built elsewhere). */
@QuarkusTest
@QuarkusTestResource(StoreServiceResource.class)
@QuarkusTestResource(TestKeystoreResource.class)
class StoreInterplayTest {

    @ConfigProperty(name = "mail.store.host")
    String storeHost;
    @ConfigProperty(name = "mail.store.port")
    int storePort;

    static List<Integer> inboxUids(StoreFixture store, Account a) {
        List<Integer> uids = new ArrayList<>();
        Iterator<SelectResponse> it = store.messages.select(SelectRequest.newBuilder()
                .setMailbox(MailboxRef.newBuilder().setAccountId(a.getId()).setMailbox("INBOX")).build());
        while (it.hasNext()) {
            SelectResponse r = it.next();
            if (r.hasBatch()) {
                r.getBatch().getMessagesList().forEach(m -> uids.add(m.getUid()));
            }
        }
        return uids;
    }

    @Test
    void deletedOverPop3IsGoneFromTheInboxAndUidlSurvivesFlagChanges() throws Exception {
        try (StoreFixture store = new StoreFixture(storeHost, storePort)) {
            Account a = store.newAccount("interplay");
            AppendResponse first = store.deliver(a, StoreFixture.message("keep", "stays\r\n"));
            AppendResponse second = store.deliver(a, StoreFixture.message("drop", "goes\r\n"));
            String uidlBefore;
            try (Pop3Client c = Pop3Client.connect("127.0.0.1", 18110)) {
                c.login(a.getAddress(), StoreFixture.PASSWORD);
                c.command("UIDL");
                uidlBefore = String.join("\n", c.lines());
                assertEquals("+OK message 2 deleted", c.command("DELE 2"));
                assertTrue(c.command("QUIT").startsWith("+OK"));
            }
            assertEquals(List.of(first.getUid()), inboxUids(store, a));
            var status = store.mailboxes.getStatus(GetStatusRequest.newBuilder()
                    .setMailbox(MailboxRef.newBuilder().setAccountId(a.getId()).setMailbox("INBOX")).build());
            assertEquals(1, status.getMessages(), status.toString());

            // An IMAP client flags and unflags the survivor: its UIDL must not move.
            store.messages.storeFlags(StoreFlagsRequest.newBuilder()
                    .setMailbox(MailboxRef.newBuilder().setAccountId(a.getId()).setMailbox("INBOX"))
                    .setUids(UidSet.newBuilder().addRanges(UidRange.newBuilder().setFirst(first.getUid())
                            .setLast(first.getUid())))
                    .setMode(FlagsMode.FLAGS_ADD).setFlags(Flags.newBuilder().setSystem(SystemFlag.FLAGGED_VALUE)
                            .addKeywords("$Forwarded")).build()).forEachRemaining(chunk -> { });
            try (Pop3Client c = Pop3Client.connect("127.0.0.1", 18110)) {
                c.login(a.getAddress(), StoreFixture.PASSWORD);
                c.command("UIDL");
                List<String> after = c.lines();
                assertEquals(List.of(uidlBefore.split("\n")[0]), after);
                c.command("QUIT");
            }
            assertTrue(second.getUid() > first.getUid());
        }
    }

    @Test
    void angusMailReadsAndDeletesOverPop3AndPop3s() throws Exception {
        try (StoreFixture store = new StoreFixture(storeHost, storePort)) {
            Account a = store.newAccount("angus");
            String body = StoreFixture.message("angus", "Hello from the store.\r\n.dot line\r\n");
            store.deliver(a, body);
            store.deliver(a, StoreFixture.message("second", "two\r\n"));

            Properties p = new Properties();
            p.put("mail.pop3.host", "127.0.0.1");
            p.put("mail.pop3.port", "18110");
            Session session = Session.getInstance(p);
            Store pop = session.getStore("pop3");
            pop.connect(a.getAddress(), StoreFixture.PASSWORD);
            Folder inbox = pop.getFolder("INBOX");
            inbox.open(Folder.READ_WRITE);
            assertEquals(2, inbox.getMessageCount());
            Message m = inbox.getMessage(1);
            assertEquals("angus", m.getSubject());
            ByteArrayOutputStream raw = new ByteArrayOutputStream();
            m.writeTo(raw);
            assertEquals(body, raw.toString(StandardCharsets.UTF_8), "the bytes as delivered");
            inbox.getMessage(2).setFlag(jakarta.mail.Flags.Flag.DELETED, true);
            inbox.close(true);
            pop.close();

            Properties s = new Properties();
            s.put("mail.pop3s.host", "127.0.0.1");
            s.put("mail.pop3s.port", "18995");
            s.put("mail.pop3s.ssl.trust", "*");
            s.put("mail.pop3s.ssl.checkserveridentity", "false");
            Store pops = Session.getInstance(s).getStore("pop3s");
            pops.connect(a.getAddress(), StoreFixture.PASSWORD);
            Folder again = pops.getFolder("INBOX");
            again.open(Folder.READ_ONLY);
            assertEquals(1, again.getMessageCount(), "Angus's expunge on close went through QUIT");
            assertEquals("angus", again.getMessage(1).getSubject());
            again.close(false);
            pops.close();
        }
    }
}
