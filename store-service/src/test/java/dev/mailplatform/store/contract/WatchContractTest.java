package dev.mailplatform.store.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailplatform.store.v1.Account;
import dev.mailplatform.store.v1.ChangeEvent;
import dev.mailplatform.store.v1.ChangeKind;
import dev.mailplatform.store.v1.CreateMailboxRequest;
import dev.mailplatform.store.v1.ExpungeRequest;
import dev.mailplatform.store.v1.Flags;
import dev.mailplatform.store.v1.StoreFlagsRequest;
import dev.mailplatform.store.v1.WatchRequest;
import io.grpc.Status;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.subscription.Cancellable;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

@QuarkusTest
class WatchContractTest extends StoreContract {

    @Test
    void watchersHearOfEveryKindOfChangeOfTheirAccountOnly() throws Exception {
        Account a = newAccount();
        Account other = newAccount();
        LinkedBlockingQueue<ChangeEvent> events = new LinkedBlockingQueue<>();
        Cancellable sub = messagesAsync.watch(WatchRequest.newBuilder().setAccountId(a.getId()).build())
                .subscribe().with(e -> {
                    if (!accountSetup(e)) {
                        events.add(e);
                    }
                });
        try {
            assertEquals(ChangeKind.WATCH_READY, next(events).getKind());
            append(other, "INBOX", TestMessages.simple("not yours", "x"));
            int uid = append(a, "INBOX", TestMessages.simple("yours", "x")).getUid();
            ChangeEvent added = next(events);
            assertEquals(ChangeKind.MESSAGES_ADDED, added.getKind());
            assertEquals("INBOX", added.getMailbox());
            assertEquals(a.getId(), added.getAccountId());
            assertEquals(uid + 1, added.getUidnext());
            messages.storeFlags(StoreFlagsRequest.newBuilder().setMailbox(ref(a, "INBOX")).setUids(uids(uid, uid))
                    .setFlags(Flags.newBuilder().setSystem(8)).build());
            ChangeEvent flags = next(events);
            assertEquals(ChangeKind.FLAGS_CHANGED, flags.getKind());
            assertTrue(flags.getHighestModseq() > added.getHighestModseq());
            messages.expunge(ExpungeRequest.newBuilder().setMailbox(ref(a, "INBOX")).build());
            assertEquals(ChangeKind.MESSAGES_EXPUNGED, next(events).getKind());
            mailboxes.createMailbox(CreateMailboxRequest.newBuilder().setAccountId(a.getId()).setName("New").build());
            assertEquals(ChangeKind.MAILBOX_CREATED, next(events).getKind());
            assertEquals(null, events.poll(300, TimeUnit.MILLISECONDS), "no event of another account");
        } finally {
            sub.cancel();
        }
    }

    @Test
    void watchingAnUnknownAccountFails() {
        assertStatus(Status.Code.NOT_FOUND, () -> messagesAsync.watch(WatchRequest.newBuilder().setAccountId(-3)
                .build()).toUni().await().atMost(Duration.ofSeconds(10)));
    }

    static ChangeEvent next(LinkedBlockingQueue<ChangeEvent> q) throws InterruptedException {
        ChangeEvent e = q.poll(10, TimeUnit.SECONDS);
        if (e == null) {
            throw new AssertionError("no change event within 10 s");
        }
        return e;
    }
}
