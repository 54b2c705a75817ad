package dev.mailplatform.store.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailplatform.store.v1.Account;
import dev.mailplatform.store.v1.ChangeEvent;
import dev.mailplatform.store.v1.ChangeKind;
import dev.mailplatform.store.v1.CreateMailboxRequest;
import dev.mailplatform.store.v1.ExpungeRequest;
import dev.mailplatform.store.v1.Flags;
import dev.mailplatform.store.v1.MessageServiceGrpc;
import dev.mailplatform.store.v1.StoreFlagsRequest;
import dev.mailplatform.store.v1.WatchRequest;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.subscription.Cancellable;
import jakarta.inject.Inject;
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
            storeFlags(StoreFlagsRequest.newBuilder().setMailbox(ref(a, "INBOX")).setUids(uids(uid, uid))
                    .setFlags(Flags.newBuilder().setSystem(8)).build());
            ChangeEvent flags = next(events);
            assertEquals(ChangeKind.FLAGS_CHANGED, flags.getKind());
            assertTrue(flags.getHighestModseq() > added.getHighestModseq());
            expunge(ExpungeRequest.newBuilder().setMailbox(ref(a, "INBOX")).build());
            assertEquals(ChangeKind.MESSAGES_EXPUNGED, next(events).getKind());
            mailboxes.createMailbox(CreateMailboxRequest.newBuilder().setAccountId(a.getId()).setName("New").build());
            assertEquals(ChangeKind.MAILBOX_CREATED, next(events).getKind());
            assertEquals(null, events.poll(300, TimeUnit.MILLISECONDS), "no event of another account");
        } finally {
            sub.cancel();
        }
    }

    @Inject
    MeterRegistry registry;

    @GrpcClient("store")
    io.grpc.Channel channel;

    /**
     * A client's cancel ends its Watch in the store, however early it comes: at once after the call starts (while
     * the store still checks the account), or after WATCH_READY. A stream the store kept would receive every later
     * change of the account for ever (hardening item 0).
     */
    @Test
    void aCancelledWatchEndsInTheStoreHoweverEarlyItComes() throws Exception {
        Account a = newAccount();
        double before = registry.get("mail.store.watchers").gauge().value();
        MessageServiceGrpc.MessageServiceStub stub = MessageServiceGrpc.newStub(channel);
        for (int i = 0; i < 300; i++) {
            java.util.concurrent.CountDownLatch ready = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.atomic.AtomicReference<ClientCallStreamObserver<WatchRequest>> call =
                    new java.util.concurrent.atomic.AtomicReference<>();
            stub.watch(WatchRequest.newBuilder().setAccountId(a.getId()).build(),
                    new ClientResponseObserver<WatchRequest, ChangeEvent>() {
                        @Override
                        public void beforeStart(ClientCallStreamObserver<WatchRequest> requestStream) {
                            call.set(requestStream);
                        }

                        @Override
                        public void onNext(ChangeEvent value) {
                            ready.countDown();
                        }

                        @Override
                        public void onError(Throwable t) {
                        }

                        @Override
                        public void onCompleted() {
                        }
                    });
            if (i % 3 == 1) {
                Thread.sleep(i % 7); // cancels at every stage of the call's start
            } else if (i % 3 == 2) {
                assertTrue(ready.await(10, TimeUnit.SECONDS));
            }
            call.get().cancel("test", null);
        }
        long deadline = System.currentTimeMillis() + 10_000;
        double now;
        do {
            now = registry.get("mail.store.watchers").gauge().value();
            if (now <= before) {
                break;
            }
            Thread.sleep(50);
        } while (System.currentTimeMillis() < deadline);
        assertEquals(before, now, "Watch streams left open in the store after their clients cancelled");
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
