package dev.mailplatform.store.change;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mailplatform.store.contract.StoreContract;
import dev.mailplatform.store.v1.Account;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.subscription.Cancellable;
import jakarta.inject.Inject;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Events leave only with their transaction's commit, and after it, on the real database's LISTEN/NOTIFY. */
@QuarkusTest
class ChangeBusTest extends StoreContract {

    @Inject
    ChangeBus changes;

    @Test
    void anEventGoesOutWhenItsTransactionCommitsAndNeverWhenItRollsBack() throws Exception {
        Account a = newAccount();
        LinkedBlockingQueue<Change> events = new LinkedBlockingQueue<>();
        Cancellable sub = changes.watch(a.getId()).subscribe().with(e -> {
            if (!accountSetup(e)) {
                events.add(e);
            }
        });
        try {
            assertEquals(ChangeKind.WATCH_READY, next(events).kind());
            assertThrows(IllegalStateException.class, () -> QuarkusTransaction.requiringNew().run(() -> {
                changes.publish(a.getId(), 7, "RolledBack", ChangeKind.MAILBOX_CREATED, 1, 1, 0);
                throw new IllegalStateException("the change fails after its event was published");
            }));
            QuarkusTransaction.requiringNew().run(() -> {
                changes.publish(a.getId(), 8, "Committed", ChangeKind.MAILBOX_CREATED, 1, 1, 0);
                // Not before the commit: the transaction is still open here.
                assertNull(pollQuietly(events, 300), "an event went out before its transaction committed");
            });
            Change e = next(events);
            assertEquals("Committed", e.mailbox());
            assertEquals(8, e.mailboxId());
            assertNull(events.poll(500, TimeUnit.MILLISECONDS), "the rolled-back change's event never goes out");
            // Outside a transaction (a statement that committed by itself), it goes at once.
            changes.publish(a.getId(), 9, "Autocommitted", ChangeKind.MESSAGES_ADDED, 2, 2, 1);
            assertEquals("Autocommitted", next(events).mailbox());
        } finally {
            sub.cancel();
        }
    }

    private static Change pollQuietly(LinkedBlockingQueue<Change> q, long millis) {
        try {
            return q.poll(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static Change next(LinkedBlockingQueue<Change> q) throws InterruptedException {
        Change e = q.poll(10, TimeUnit.SECONDS);
        if (e == null) {
            throw new AssertionError("no change event within 10 s");
        }
        return e;
    }
}
