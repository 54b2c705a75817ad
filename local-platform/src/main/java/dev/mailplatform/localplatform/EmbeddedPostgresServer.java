package dev.mailplatform.localplatform;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * A real PostgreSQL 17 server run from the zonky binaries, with the database {@value #DATABASE} created.
 *
 * <p>With a data directory the cluster is kept across restarts; without one it lives in a temporary directory that
 * is removed on {@link #close()}.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

    public static final String DATABASE = "mail";
    public static final String USER = "postgres";
    /**
     * The cluster is initialised with trust authentication for local connections, so any password is accepted; a
     * non-empty one is handed out because some clients and config systems treat an empty value as "unset".
     */
    public static final String PASSWORD = "postgres";

    private static final Duration STARTUP_WAIT = Duration.ofSeconds(60);

    private final EmbeddedPostgres postgres;
    private final Path dataDir;
    private final Duration startupTime;
    private boolean closed;

    private EmbeddedPostgresServer(EmbeddedPostgres postgres, Path dataDir, Duration startupTime) {
        this.postgres = postgres;
        this.dataDir = dataDir;
        this.startupTime = startupTime;
    }

    /** Starts a server; its own output goes through SLF4J. */
    public static EmbeddedPostgresServer start(Path dataDirOrNull, int portOr0) throws IOException {
        return start(dataDirOrNull, portOr0, null);
    }

    /**
     * Starts a server.
     *
     * @param dataDirOrNull the cluster directory, kept across restarts (created on first use), or null for a
     *     throwaway cluster
     * @param portOr0 the TCP port on 127.0.0.1, or 0 for a free one
     * @param logFileOrNull where the server's own output is appended, or null to log it through SLF4J
     */
    public static EmbeddedPostgresServer start(Path dataDirOrNull, int portOr0, Path logFileOrNull)
            throws IOException {
        // zonky unpacks its binaries under java.io.tmpdir; surefire points that at target/tmp, which may not exist yet.
        Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
        long t0 = System.nanoTime();
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setPort(portOr0)
                .setPGStartupWait(STARTUP_WAIT)
                // The owner of this object decides when to stop, so that PostgreSQL goes down after its clients.
                .setRegisterShutdownHook(false)
                .setServerConfig("listen_addresses", "127.0.0.1");
        Path dataDir = null;
        if (dataDirOrNull != null) {
            dataDir = dataDirOrNull.toAbsolutePath().normalize();
            Files.createDirectories(dataDir.getParent());
            builder.setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    // zonky turns this off for speed; a cluster that is meant to be kept should not lose commits.
                    .setServerConfig("synchronous_commit", "on");
        }
        if (logFileOrNull != null) {
            Files.createDirectories(logFileOrNull.toAbsolutePath().getParent());
            builder.setOutputRedirector(ProcessBuilder.Redirect.appendTo(logFileOrNull.toFile()))
                    .setErrorRedirector(ProcessBuilder.Redirect.appendTo(logFileOrNull.toFile()));
        }
        EmbeddedPostgres postgres = builder.start();
        try {
            createDatabaseIfMissing(postgres);
        } catch (SQLException | RuntimeException e) {
            postgres.close();
            throw new IOException("PostgreSQL started, but creating database " + DATABASE + " failed", e);
        }
        return new EmbeddedPostgresServer(postgres, dataDir, Duration.ofNanos(System.nanoTime() - t0));
    }

    private static void createDatabaseIfMissing(EmbeddedPostgres postgres) throws SQLException {
        try (Connection c = postgres.getPostgresDatabase().getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
                ps.setString(1, DATABASE);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return;
                    }
                }
            }
            try (Statement st = c.createStatement()) {
                st.execute("CREATE DATABASE " + DATABASE);
            }
        }
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + DATABASE;
    }

    public String user() {
        return USER;
    }

    public String password() {
        return PASSWORD;
    }

    public int port() {
        return postgres.getPort();
    }

    /** The cluster directory, or null for a throwaway cluster. */
    public Path dataDir() {
        return dataDir;
    }

    /** From the call to {@code start} until the database accepted connections. */
    public Duration startupTime() {
        return startupTime;
    }

    /** Stops the server (a fast shutdown: open sessions are ended, committed data is kept). Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException("stopping PostgreSQL on port " + port(), e);
        }
    }
}
