package dev.mailplatform.localplatform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedPostgresServerTest {

    @TempDir
    Path tmp;

    @Test
    void throwawayServerAnswersQueriesAndAllowsPgTrgm() throws Exception {
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(null, 0)) {
            assertTrue(pg.jdbcUrl().startsWith("jdbc:postgresql://127.0.0.1:"), pg.jdbcUrl());
            assertTrue(pg.jdbcUrl().endsWith("/mail"), pg.jdbcUrl());
            try (Connection c = connect(pg); Statement st = c.createStatement()) {
                assertEquals(1, queryInt(st, "select 1"));
                assertEquals("mail", queryString(st, "select current_database()"));
                assertTrue(queryString(st, "show server_version").startsWith("17."));
                // The store's first migration needs this extension.
                st.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm");
                assertEquals(1, queryInt(st, "select count(*) from pg_extension where extname = 'pg_trgm'"));
            }
        }
    }

    @Test
    void maxConnectionsIsZonkysUnlessGivenAndSurvivesARestart() throws Exception {
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(null, 0)) {
            try (Connection c = connect(pg); Statement st = c.createStatement()) {
                assertEquals("300", queryString(st, "show max_connections"));
            }
        }
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(null, 0, null, 100)) {
            try (Connection c = connect(pg); Statement st = c.createStatement()) {
                assertEquals("100", queryString(st, "show max_connections"));
            }
            pg.stop();
            pg.restart();
            try (Connection c = connect(pg); Statement st = c.createStatement()) {
                assertEquals("100", queryString(st, "show max_connections"));
            }
        }
    }

    @Test
    void dataSurvivesARestartInTheSameDirectory() throws Exception {
        Path dir = tmp.resolve("pg");
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(dir, 0)) {
            try (Connection c = connect(pg); Statement st = c.createStatement()) {
                st.execute("create table kept (v text)");
                st.execute("insert into kept values ('still here')");
            }
        }
        assertTrue(Files.exists(dir.resolve("PG_VERSION")), "cluster kept on disk");
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(dir, 0)) {
            try (Connection c = connect(pg); Statement st = c.createStatement()) {
                assertEquals("still here", queryString(st, "select v from kept"));
            }
        }
    }

    @Test
    void throwawayServerSurvivesStopAndRestartOnItsPortAndIsRemovedOnClose() throws Exception {
        EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(null, 0);
        Path dir = pg.dataDir();
        String url = pg.jdbcUrl();
        try (Connection c = connect(pg); Statement st = c.createStatement()) {
            st.execute("create table kept (v int)");
            st.execute("insert into kept values (42)");
        }
        pg.stop();
        assertFalse(pg.isRunning());
        assertThrows(SQLException.class, () -> connect(pg).close());
        pg.restart();
        assertEquals(url, pg.jdbcUrl());
        try (Connection c = connect(pg); Statement st = c.createStatement()) {
            assertEquals(42, queryInt(st, "select v from kept"));
        }
        pg.close();
        pg.close();
        assertFalse(Files.exists(dir), "throwaway cluster removed");
        assertThrows(IllegalStateException.class, pg::restart);
    }

    static Connection connect(EmbeddedPostgresServer pg) throws SQLException {
        return DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
    }

    private static int queryInt(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static String queryString(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
