package dev.mailplatform.store.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailplatform.store.v1.Account;
import dev.mailplatform.store.v1.Flags;
import dev.mailplatform.store.v1.FlagsMode;
import dev.mailplatform.store.v1.SearchKey;
import dev.mailplatform.store.v1.SearchRequest;
import dev.mailplatform.store.v1.StoreFlagsRequest;
import dev.mailplatform.testkit.StoreInfraResource;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Each call's SQL runs under its class's statement timeout, and a call its client gives up on stops in PostgreSQL
 * too. A test transaction holds the lock a call needs, so the call's statement waits as long as the test likes.
 */
@QuarkusTest
class StatementBudgetContractTest extends StoreContract {

    private static Connection connect() throws Exception {
        return DriverManager.getConnection(StoreInfraResource.jdbcUrl(), StoreInfraResource.dbUser(),
                StoreInfraResource.dbPassword());
    }

    /** Statements of the store (not this test's) waiting for a lock, whose text contains {@code fragment}. */
    private static int waiting(Connection c, String fragment) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE pid <> "
                + "pg_backend_pid() AND state = 'active' AND wait_event_type = 'Lock' AND query LIKE ?")) {
            ps.setString(1, "%" + fragment + "%");
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static void lockInbox(Connection c, Account a) throws Exception {
        c.setAutoCommit(false);
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT id FROM mailbox WHERE account_id = ? AND name = 'INBOX' FOR UPDATE")) {
            ps.setLong(1, a.getId());
            ps.executeQuery().close();
        }
    }

    @Test
    void aCallWhoseClientGaveUpStopsInPostgresql() throws Exception {
        Account a = newAccount();
        append(a, "INBOX", TestMessages.simple("locked", "body"));
        StoreFlagsRequest flag = StoreFlagsRequest.newBuilder().setMailbox(ref(a, "INBOX")).setUids(all())
                .setMode(FlagsMode.FLAGS_ADD).setFlags(Flags.newBuilder().setSystem(1)).build();
        try (Connection holder = connect(); Connection observer = connect()) {
            lockInbox(holder, a);
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                    () -> messages.withDeadlineAfter(1, TimeUnit.SECONDS).storeFlags(flag).forEachRemaining(r -> { }));
            assertEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode());
            // The lock is still held: only the call's cancel can have stopped its statement.
            long deadline = System.currentTimeMillis() + 5_000;
            int left;
            while ((left = waiting(observer, "FOR UPDATE")) > 0 && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(0, left, "statements still waiting in PostgreSQL for a call nobody waits for");
            holder.rollback();
        }
        // And the mailbox works as before.
        assertEquals(1, storeFlags(flag).getUpdatedCount());
    }

    @Test
    void aStatementPastItsClassTimeoutFailsWithTheLimitTrailer() throws Exception {
        Account a = newAccount();
        append(a, "INBOX", TestMessages.simple("slow", "body"));
        SearchRequest search = SearchRequest.newBuilder().setMailbox(ref(a, "INBOX"))
                .setCriteria(SearchKey.newBuilder().setAll(true)).build();
        StoreFlagsRequest flag = StoreFlagsRequest.newBuilder().setMailbox(ref(a, "INBOX")).setUids(all())
                .setMode(FlagsMode.FLAGS_ADD).setFlags(Flags.newBuilder().setSystem(1)).build();
        try (Connection holder = connect()) {
            holder.setAutoCommit(false);
            holder.createStatement().execute("LOCK TABLE message IN ACCESS EXCLUSIVE MODE");
            // SEARCH: 2 s in the test profile.
            long start = System.nanoTime();
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                    () -> messages.search(search).forEachRemaining(r -> { }));
            long searchMs = (System.nanoTime() - start) / 1_000_000;
            assertLimit(e);
            assertTrue(searchMs >= 1_900 && searchMs < 10_000, "search failed after " + searchMs + " ms");
            // Every other call: 20 s in the test profile.
            start = System.nanoTime();
            e = assertThrows(StatusRuntimeException.class, () -> storeFlags(flag));
            long callMs = (System.nanoTime() - start) / 1_000_000;
            assertLimit(e);
            assertTrue(callMs >= 19_900 && callMs < 30_000, "flag change failed after " + callMs + " ms");
            holder.rollback();
        }
        assertEquals(1, storeFlags(flag).getUpdatedCount());
    }

    private static void assertLimit(StatusRuntimeException e) {
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode(), e.getStatus().toString());
        assertEquals("statement-timeout",
                e.getTrailers().get(Metadata.Key.of("x-limit", Metadata.ASCII_STRING_MARSHALLER)));
    }
}
