package dev.mailplatform.store.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mailplatform.store.v1.Account;
import dev.mailplatform.store.v1.AuthenticateRequest;
import dev.mailplatform.store.v1.ChangeEvent;
import dev.mailplatform.store.v1.ChangeKind;
import dev.mailplatform.store.v1.GetStatusRequest;
import dev.mailplatform.store.v1.ListMailboxesRequest;
import dev.mailplatform.store.v1.WatchRequest;
import dev.mailplatform.testkit.StoreInfraResource;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.subscription.Cancellable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Supplier;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL or S3 going away: calls fail with UNAVAILABLE (never a hang or INTERNAL), nothing is half-written, and
 * the store recovers by itself when they come back.
 */
@QuarkusTest
class OutageContractTest extends StoreContract {

    /** Retries until the call succeeds (the store reconnects on its own), for at most 60 s. */
    static <T> T eventually(Supplier<T> call) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (true) {
            try {
                return call.get();
            } catch (RuntimeException e) {
                RuntimeException u = unwrap(e);
                if (!(u instanceof StatusRuntimeException s) || s.getStatus().getCode() != Status.Code.UNAVAILABLE
                        || System.nanoTime() > deadline) {
                    throw u;
                }
                Thread.sleep(250);
            }
        }
    }

    private int inboxCount(Account a) {
        return mailboxes.getStatus(GetStatusRequest.newBuilder().setMailbox(ref(a, "INBOX")).build()).getMessages();
    }

    @Inject
    @org.eclipse.microprofile.health.Readiness
    dev.mailplatform.store.health.StoreReadiness readiness;

    @Test
    void s3Outage() throws Exception {
        Account a = newAccount();
        byte[] before = TestMessages.simple("before s3 outage " + System.nanoTime(), "kept");
        int uid = append(a, "INBOX", before).getUid();
        assertEquals(HealthCheckResponse.Status.UP, readiness.call().getStatus());
        StoreInfraResource.stopS3();
        try {
            // Before any other call has failed: readiness asks S3 itself, it does not remember an old answer.
            assertEquals(HealthCheckResponse.Status.DOWN, readiness.call().getStatus(), "ready with S3 down");
            assertStatus(Status.Code.UNAVAILABLE, () -> append(a, "INBOX",
                    TestMessages.simple("during s3 outage " + System.nanoTime(), "refused")));
            assertStatus(Status.Code.UNAVAILABLE, () -> fetchAll(a, "INBOX", uid));
            assertEquals(1, inboxCount(a), "nothing half-written; metadata still served");
        } finally {
            StoreInfraResource.startS3();
        }
        byte[] after = TestMessages.simple("after s3 outage " + System.nanoTime(), "stored");
        int uid2 = eventually(() -> append(a, "INBOX", after).getUid());
        assertArrayEquals(before, fetchAll(a, "INBOX", uid));
        assertArrayEquals(after, fetchAll(a, "INBOX", uid2));
        assertEquals(2, inboxCount(a));
    }

    @Test
    void postgresOutage() throws Exception {
        Account a = newAccount();
        append(a, "INBOX", TestMessages.simple("before pg outage " + System.nanoTime(), "kept"));
        StoreInfraResource.stopPostgres();
        try {
            assertStatus(Status.Code.UNAVAILABLE, () -> inboxCount(a));
            assertStatus(Status.Code.UNAVAILABLE, () -> append(a, "INBOX",
                    TestMessages.simple("during pg outage " + System.nanoTime(), "refused")));
            assertStatus(Status.Code.UNAVAILABLE, () -> accounts.authenticate(AuthenticateRequest.newBuilder()
                    .setUsername(a.getAddress()).setPassword(PASSWORD).setRemoteIp("127.0.0.1").build()));
            assertStatus(Status.Code.UNAVAILABLE, () -> mailboxes.listMailboxes(ListMailboxesRequest.newBuilder()
                    .setAccountId(a.getId()).build()));
        } finally {
            StoreInfraResource.startPostgres();
        }
        assertEquals(1, (int) eventually(() -> inboxCount(a)), "the refused append left nothing behind");
        eventually(() -> append(a, "INBOX", TestMessages.simple("after pg outage " + System.nanoTime(), "ok")));
        assertEquals(2, inboxCount(a));

        // The change listener reconnected: watchers hear of new changes again.
        LinkedBlockingQueue<ChangeEvent> events = new LinkedBlockingQueue<>();
        Cancellable sub = messagesAsync.watch(WatchRequest.newBuilder().setAccountId(a.getId()).build())
                .subscribe().with(events::add);
        try {
            assertEquals(ChangeKind.WATCH_READY, WatchContractTest.next(events).getKind());
            long deadline = System.nanoTime() + 30_000_000_000L;
            ChangeEvent e = null;
            while (e == null && System.nanoTime() < deadline) {
                append(a, "INBOX", TestMessages.simple("watch after outage " + System.nanoTime(), "x"));
                e = events.poll(1, java.util.concurrent.TimeUnit.SECONDS);
            }
            assertEquals(ChangeKind.MESSAGES_ADDED, e == null ? null : e.getKind());
        } finally {
            sub.cancel();
        }
    }
}
