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
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A real PostgreSQL 17 server run from the zonky binaries, with the database {@value #DATABASE} created.
 *
 * <p>With a data directory the cluster is kept across restarts of the process; without one it lives in a temporary
 * directory that {@link #close()} removes. Either way {@link #stop()} and {@link #restart()} take the server down and
 * up again on the same port with its data, for outage tests.
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

    private final Path dataDir;
    private final boolean throwaway;
    private final Path logFile;
    private final int maxConnections;
    private final int port;
    private final Duration startupTime;
    private EmbeddedPostgres postgres;
    private boolean closed;

    private EmbeddedPostgresServer(EmbeddedPostgres postgres, Path dataDir, boolean throwaway, Path logFile,
            int maxConnections, Duration startupTime) {
        this.maxConnections = maxConnections;
        this.postgres = postgres;
        this.dataDir = dataDir;
        this.throwaway = throwaway;
        this.logFile = logFile;
        this.port = postgres.getPort();
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
     *     throwaway cluster under {@code java.io.tmpdir}
     * @param portOr0 the TCP port on 127.0.0.1, or 0 for a free one
     * @param logFileOrNull where the server's own output is appended, or null to log it through SLF4J
     */
    public static EmbeddedPostgresServer start(Path dataDirOrNull, int portOr0, Path logFileOrNull)
            throws IOException {
        return start(dataDirOrNull, portOr0, logFileOrNull, 0);
    }

    /**
     * The same, with PostgreSQL's {@code max_connections}.
     *
     * @param maxConnectionsOr0 the most client connections, or 0 for zonky's 300 (room for test suites that start
     *     several stores). Each slot's lock and predicate-lock tables sit in shared memory written at start:
     *     300 slots cost about 6 MiB more than 100, at rest too.
     */
    public static EmbeddedPostgresServer start(Path dataDirOrNull, int portOr0, Path logFileOrNull,
            int maxConnectionsOr0) throws IOException {
        // zonky unpacks its binaries under java.io.tmpdir; surefire points that at target/tmp, which may not exist yet.
        Path tmp = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
        long t0 = System.nanoTime();
        boolean throwaway = dataDirOrNull == null;
        // A directory of our own rather than zonky's temporary one, which zonky deletes on every stop.
        Path dataDir = throwaway ? Files.createTempDirectory(tmp, "embedded-pg-data-")
                : dataDirOrNull.toAbsolutePath().normalize();
        Files.createDirectories(dataDir.getParent());
        EmbeddedPostgres postgres;
        try {
            postgres = launch(dataDir, throwaway, portOr0, logFileOrNull, maxConnectionsOr0);
        } catch (IOException | RuntimeException e) {
            if (throwaway) {
                deleteTree(dataDir);
            }
            throw e;
        }
        return new EmbeddedPostgresServer(postgres, dataDir, throwaway, logFileOrNull, maxConnectionsOr0,
                Duration.ofNanos(System.nanoTime() - t0));
    }

    private static EmbeddedPostgres launch(Path dataDir, boolean throwaway, int port, Path logFile,
            int maxConnections) throws IOException {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setPort(port)
                .setPGStartupWait(STARTUP_WAIT)
                // The owner of this object decides when to stop, so that PostgreSQL goes down after its clients.
                .setRegisterShutdownHook(false)
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(false);
        if (maxConnections > 0) {
            builder.setServerConfig("max_connections", Integer.toString(maxConnections));
        }
        if (throwaway) {
            // Nothing to protect from a machine crash; a clean stop() still writes everything out.
            builder.setServerConfig("fsync", "off");
        } else {
            // zonky starts postgres with -F (no fsync) and synchronous_commit off, for speed. Data that is kept must
            // not lose what clients were told is committed, so both go back on ("-c" options come after -F).
            builder.setServerConfig("fsync", "on");
            builder.setServerConfig("synchronous_commit", "on");
        }
        if (logFile != null) {
            Files.createDirectories(logFile.toAbsolutePath().getParent());
            builder.setOutputRedirector(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .setErrorRedirector(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        }
        EmbeddedPostgres postgres = builder.start();
        try {
            createDatabaseIfMissing(postgres);
        } catch (SQLException | RuntimeException e) {
            postgres.close();
            throw new IOException("PostgreSQL started, but creating database " + DATABASE + " failed", e);
        }
        return postgres;
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
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    public String user() {
        return USER;
    }

    public String password() {
        return PASSWORD;
    }

    /** The port, the same across {@link #restart()}s. */
    public int port() {
        return port;
    }

    /** The cluster directory (a temporary one for a throwaway cluster). */
    public Path dataDir() {
        return dataDir;
    }

    /** From the first call to {@code start} until the database accepted connections. */
    public Duration startupTime() {
        return startupTime;
    }

    public synchronized boolean isRunning() {
        return postgres != null;
    }

    /** Stops the server (a fast shutdown: sessions are ended, committed data is kept). No-op if stopped. */
    public synchronized void stop() {
        if (postgres == null) {
            return;
        }
        EmbeddedPostgres running = postgres;
        postgres = null;
        try {
            running.close();
        } catch (IOException e) {
            throw new UncheckedIOException("stopping PostgreSQL on port " + port, e);
        }
    }

    /** Starts the server again on the same port with the same data. No-op if running. */
    public synchronized void restart() throws IOException {
        if (closed) {
            throw new IllegalStateException("closed");
        }
        if (postgres == null) {
            postgres = launch(dataDir, throwaway, port, logFile, maxConnections);
        }
    }

    /** Stops the server and removes a throwaway cluster's directory. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            stop();
        } finally {
            if (throwaway) {
                deleteTree(dataDir);
            }
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // Leftovers live under a temporary directory; not worth failing a shutdown for.
        }
    }
}
