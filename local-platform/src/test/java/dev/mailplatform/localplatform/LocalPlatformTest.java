package dev.mailplatform.localplatform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher without service modules: an empty root holds no packaged service, so only the infrastructure runs. */
class LocalPlatformTest {

    @TempDir
    Path tmp;

    @Test
    void startsInfrastructureAndKeepsItsDataAcrossRuns() throws Exception {
        Path data = tmp.resolve("data");
        Map<String, String> env = Map.of("MAIL_DATA_DIR", data.toString(), "MAIL_PG_PORT", "0", "MAIL_S3_PORT", "0");
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        LocalPlatform first = new LocalPlatform(env, tmp.resolve("empty-root"), new PrintStream(console, true,
                StandardCharsets.UTF_8));
        try {
            first.start();
            first.printEndpoints();
            assertTrue(first.services().isEmpty());
            try (Connection c = DriverManager.getConnection(first.dbUrl(), "postgres", "postgres");
                    Statement st = c.createStatement()) {
                st.execute("create table marker (id int)");
                try (java.sql.ResultSet rs = st.executeQuery("show max_connections")) {
                    assertTrue(rs.next());
                    assertEquals("100", rs.getString(1), "PostgreSQL's default, not zonky's 300");
                }
            }
        } finally {
            first.stop();
        }
        String out = console.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("No service is packaged yet"), out);
        assertTrue(out.contains("jdbc:postgresql://127.0.0.1:"), out);
        assertTrue(out.contains("Stopping PostgreSQL"), out);
        assertTrue(Files.isDirectory(data.resolve("postgres")));
        assertTrue(Files.isDirectory(data.resolve("s3")));
        assertTrue(Files.isRegularFile(data.resolve("logs/postgres.log")));
        // The store's mutual TLS: a CA and a certificate per service, made at the first start...
        Path internal = data.resolve("tls/internal");
        assertTrue(out.contains("Generated a CA for the store's mutual TLS: " + internal.resolve("ca.pem")), out);
        assertTrue(out.contains("store CA       " + internal.resolve("ca.pem")), out);
        Map<String, byte[]> tls = new java.util.TreeMap<>();
        for (String name : new String[] {"ca", "store-service", "imap-service", "pop3-service", "lmtp-service",
                "admin-ui"}) {
            tls.put(name + ".pem", Files.readAllBytes(internal.resolve(name + ".pem")));
            tls.put(name + ".key", Files.readAllBytes(internal.resolve(name + ".key")));
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(internal.resolve(name + ".key"))));
        }

        ByteArrayOutputStream secondConsole = new ByteArrayOutputStream();
        LocalPlatform second = new LocalPlatform(env, tmp.resolve("empty-root"), new PrintStream(
                secondConsole, true, StandardCharsets.UTF_8));
        try {
            second.start();
            try (Connection c = DriverManager.getConnection(second.dbUrl(), "postgres", "postgres");
                    Statement st = c.createStatement()) {
                st.execute("select count(*) from marker");
            }
        } finally {
            second.stop();
            second.stop();
        }
        // ...and reused, byte for byte, at the next.
        String secondOut = secondConsole.toString(StandardCharsets.UTF_8);
        assertTrue(!secondOut.contains("Generated a CA") && !secondOut.contains("Issued service certificates"),
                secondOut);
        tls.forEach((file, bytes) -> assertTrue(java.util.Arrays.equals(bytes, readUnchecked(internal.resolve(file))),
                file + " was made again"));
    }

    private static byte[] readUnchecked(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void refusesToStartWhenAPortIsTaken() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Map<String, String> env = Map.of("MAIL_DATA_DIR", tmp.resolve("data").toString(),
                    "MAIL_PG_PORT", Integer.toString(busy.getLocalPort()), "MAIL_S3_PORT", "0");
            LocalPlatform platform = new LocalPlatform(env, tmp, new PrintStream(new ByteArrayOutputStream(), true,
                    StandardCharsets.UTF_8));
            LocalPlatform.PlatformException e = assertThrows(LocalPlatform.PlatformException.class, platform::start);
            assertTrue(e.getMessage().contains("MAIL_PG_PORT=" + busy.getLocalPort()), e.getMessage());
            platform.stop();
        }
    }

    @Test
    void externalDatabaseAndS3AreNotStarted() throws Exception {
        Map<String, String> env = Map.of("MAIL_DATA_DIR", tmp.resolve("data").toString(),
                "MAIL_DB_URL", "jdbc:postgresql://db.invalid:5432/mail", "MAIL_S3_ENDPOINT", "http://s3.invalid:9000");
        LocalPlatform platform = new LocalPlatform(env, tmp, new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8));
        try {
            platform.start();
            assertEquals("jdbc:postgresql://db.invalid:5432/mail", platform.dbUrl());
            assertEquals("http://s3.invalid:9000", platform.s3Endpoint());
        } finally {
            platform.stop();
        }
    }

    @Test
    void badPortValueIsExplained() {
        LocalPlatform platform = new LocalPlatform(Map.of("MAIL_DATA_DIR", tmp.toString(), "MAIL_PG_PORT", "abc"),
                tmp, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, platform::start);
        assertTrue(e.getMessage().contains("MAIL_PG_PORT"), e.getMessage());
    }

    @Test
    void maxConnectionsBelowWhatTheStoreNeedsIsRefused() {
        for (String bad : new String[] {"39", "10001", "many"}) {
            LocalPlatform platform = new LocalPlatform(Map.of("MAIL_DATA_DIR", tmp.toString(), "MAIL_PG_PORT", "0",
                    "MAIL_S3_PORT", "0", "MAIL_PG_MAX_CONNECTIONS", bad), tmp,
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            try {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, platform::start);
                assertEquals("MAIL_PG_MAX_CONNECTIONS must be a number from 40 to 10000, not '" + bad + "'",
                        e.getMessage());
            } finally {
                platform.stop();
            }
        }
    }
}
