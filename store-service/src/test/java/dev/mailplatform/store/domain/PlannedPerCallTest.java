package dev.mailplatform.store.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mailplatform.store.contract.StoreContract;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link Db#listPlannedPerCall} (SEARCH) never leaves a server-side prepared statement behind, so PostgreSQL plans
 * it for each call's values; {@link Db#list} does, from the driver's fifth run on a connection. One transaction
 * keeps every statement on one connection, whose prepared statements {@code pg_prepared_statements} lists.
 */
@QuarkusTest
class PlannedPerCallTest extends StoreContract {

    private static final int RUNS = 8;

    @Inject
    Db db;

    /** Server-side prepared statements of this connection whose text holds {@code marker}. */
    private long prepared(String marker) {
        return db.one("SELECT count(*) FROM pg_prepared_statements WHERE NOT from_sql AND statement LIKE ?",
                rs -> rs.getLong(1), "%" + marker + "%").orElseThrow();
    }

    @Test
    void aStatementPlannedPerCallIsNeverPreparedOnTheServerAndGivesTheSameRows() {
        String perCall = "per_call_" + System.nanoTime();
        String cached = "cached_" + System.nanoTime();
        String sql = "SELECT g FROM generate_series(1, ?) g WHERE mod(g, ?) = 0 ORDER BY g /* ";
        QuarkusTransaction.requiringNew().run(() -> {
            for (int i = 0; i < RUNS; i++) {
                List<Integer> a = db.listPlannedPerCall(sql + perCall + " */", rs -> rs.getInt(1), 10, 3);
                List<Integer> b = db.list(sql + cached + " */", rs -> rs.getInt(1), 10, 3);
                assertEquals(List.of(3, 6, 9), a);
                assertEquals(a, b);
            }
            // The control: the same statement through list() is prepared on the server by now.
            assertEquals(1, prepared(cached));
            assertEquals(0, prepared(perCall));
        });
    }
}
