package dev.mailplatform.store.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailplatform.testkit.StoreInfraResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;

/**
 * Hardening item 15: the scheduled retention run and the purge of expired login failures fail apart. Here the
 * retention run fails (the message table is locked past the job class's statement timeout, 3 s in the test profile)
 * and the expired failure record is purged all the same.
 */
@QuarkusTest
class RetentionJobTest {

    @Inject
    RetentionJob job;

    private static Connection connect() throws Exception {
        return DriverManager.getConnection(StoreInfraResource.jdbcUrl(), StoreInfraResource.dbUser(),
                StoreInfraResource.dbPassword());
    }

    private static int failureRecords(Connection c, String key) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM auth_failure WHERE key = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    @Test
    void aFailedRetentionRunStillPurgesExpiredLoginFailures() throws Exception {
        String key = "purge-test-" + System.nanoTime();
        try (Connection c = connect(); Connection holder = connect()) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO auth_failure (key, failures, window_start, "
                    + "last_failure) VALUES (?, 3, now() - interval '2 days', now() - interval '2 days')")) {
                ps.setString(1, key);
                ps.executeUpdate();
            }
            holder.setAutoCommit(false);
            holder.createStatement().execute("LOCK TABLE message IN ACCESS EXCLUSIVE MODE");
            long start = System.nanoTime();
            job.scheduled();
            long ms = (System.nanoTime() - start) / 1_000_000;
            holder.rollback();
            assertTrue(ms >= 2_900, "the retention run waited for its statement timeout: " + ms + " ms");
            assertEquals(0, failureRecords(c, key), "the expired failure record after a failed retention run");
        }
    }
}
