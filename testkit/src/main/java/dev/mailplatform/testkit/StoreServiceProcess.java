package dev.mailplatform.testkit;

import dev.mailplatform.localplatform.EmbeddedPostgresServer;
import dev.mailplatform.localplatform.EmbeddedS3Server;
import dev.mailplatform.localplatform.Ports;
import dev.mailplatform.localplatform.ServiceProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The real store-service, packaged ({@code store-service/target/quarkus-app/quarkus-run.jar}), run as a child
 * process for a front end's tests: on two free ports (gRPC, and HTTP for health and metrics), against a throwaway
 * PostgreSQL and an in-memory S3 of its own, with the environment the local launcher would give it.
 *
 * <p>The jar is found at {@code ../store-service/target/quarkus-app/quarkus-run.jar} from the calling module's
 * directory (Maven's {@code basedir}), or wherever the system property {@value #JAR_PROPERTY} says. The store's
 * output goes to {@code target/store-service-PORT.log} of the calling module, PORT being its gRPC port.
 *
 * <p>The store's gRPC API takes only callers with a certificate from {@link TestCertificates#ca()}: use
 * {@link TestCertificates#channel} or give a front end {@link TestCertificates#config}.
 */
public final class StoreServiceProcess implements AutoCloseable {

    public static final String JAR_PROPERTY = "testkit.store-jar";
    /**
     * A directory for durable infrastructure, as {@code mailctl} runs it (PostgreSQL with fsync on, s3proxy on the
     * filesystem): what a benchmark must measure. Without it both are throwaway (fsync off, S3 in memory), which is
     * what tests want.
     */
    public static final String DATA_DIR_PROPERTY = "testkit.store-data-dir";
    public static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

    private final EmbeddedPostgresServer postgres;
    private final EmbeddedS3Server s3;
    private final Map<String, String> env;
    private final int grpcPort;
    private final Thread shutdownHook;
    /** Replaced by {@link #restart()}; the shutdown hook stops whichever runs then. */
    private volatile ServiceProcess process;

    private StoreServiceProcess(EmbeddedPostgresServer postgres, EmbeddedS3Server s3, ServiceProcess process,
            Map<String, String> env, int grpcPort, Thread shutdownHook) {
        this.postgres = postgres;
        this.s3 = s3;
        this.process = process;
        this.env = env;
        this.grpcPort = grpcPort;
        this.shutdownHook = shutdownHook;
    }

    /** Starts a store with no extra settings. */
    public static StoreServiceProcess start() throws IOException, InterruptedException {
        return start(Map.of());
    }

    private static Path dataDir() throws IOException {
        String dir = System.getProperty(DATA_DIR_PROPERTY, "");
        if (dir.isBlank()) {
            return null;
        }
        Path p = Path.of(dir).toAbsolutePath();
        Files.createDirectories(p);
        return p;
    }

    /**
     * Starts a store and waits until it is ready.
     *
     * @param extraEnv added to the store's environment last, e.g. {@code MAIL_SEED_ACCOUNTS} (an absolute path)
     * @throws IOException if the jar is missing, or the store exits or is not ready within {@link #READY_TIMEOUT};
     *     the message holds the tail of its log
     */
    public static StoreServiceProcess start(Map<String, String> extraEnv) throws IOException, InterruptedException {
        return start(extraEnv, s3 -> { });
    }

    /**
     * The same, telling {@code s3Started} of the store's S3 server before the store starts: a test that puts a fault
     * proxy between them (MAIL_S3_ENDPOINT in {@code extraEnv}) learns there where the proxy must forward to.
     */
    public static StoreServiceProcess start(Map<String, String> extraEnv,
            java.util.function.Consumer<EmbeddedS3Server> s3Started) throws IOException, InterruptedException {
        Path jar = storeJar();
        if (!Files.isRegularFile(jar)) {
            throw new IOException("no store-service jar at " + jar + ". Package it first (./mvnw -B -pl store-service"
                    + " -am install -DskipTests), or point the system property " + JAR_PROPERTY + " at one.");
        }
        EmbeddedPostgresServer postgres = null;
        EmbeddedS3Server s3 = null;
        ServiceProcess process = null;
        try {
            Path durable = dataDir();
            postgres = EmbeddedPostgresServer.start(durable == null ? null : durable.resolve("postgres"), 0);
            s3 = EmbeddedS3Server.start(durable == null ? null : durable.resolve("s3"), 0);
            s3Started.accept(s3);
            int grpcPort = Ports.freePort();
            int httpPort = Ports.freePort();
            Path log = basedir().resolve("target").resolve("store-service-" + grpcPort + ".log");
            Map<String, String> env = environment(postgres, s3, grpcPort, httpPort, extraEnv);
            process = ServiceProcess.start("store-service", jar, httpPort, env, List.of(), log, null);
            // A test JVM that ends without close() must not leave a store and a PostgreSQL running behind it.
            EmbeddedS3Server s = s3;
            EmbeddedPostgresServer pg = postgres;
            StoreServiceProcess[] self = new StoreServiceProcess[1];
            ServiceProcess first = process;
            Thread hook = new Thread(() -> stopAll(self[0] == null ? first : self[0].process, s, pg),
                    "store-service-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                process.awaitReady(READY_TIMEOUT);
            } catch (IOException | InterruptedException | RuntimeException e) {
                removeHook(hook);
                throw e;
            }
            self[0] = new StoreServiceProcess(postgres, s3, process, env, grpcPort, hook);
            return self[0];
        } catch (IOException | InterruptedException | RuntimeException e) {
            stopAll(process, s3, postgres);
            throw e;
        }
    }

    /**
     * The parent's environment without its {@code MAIL_*} and {@code QUARKUS_*} settings (a developer's shell must
     * not leak into a test), then what the launcher sets, then {@code extraEnv}.
     */
    private static Map<String, String> environment(EmbeddedPostgresServer postgres, EmbeddedS3Server s3, int grpcPort,
            int httpPort, Map<String, String> extraEnv) {
        Map<String, String> env = new HashMap<>();
        System.getenv().forEach((k, v) -> {
            if (!k.startsWith("MAIL_") && !k.startsWith("QUARKUS_")) {
                env.put(k, v);
            }
        });
        env.put("MAIL_DB_URL", postgres.jdbcUrl());
        env.put("MAIL_DB_USER", postgres.user());
        env.put("MAIL_DB_PASSWORD", postgres.password());
        env.put("MAIL_S3_ENDPOINT", s3.endpoint());
        env.put("MAIL_S3_ACCESS_KEY", s3.accessKey());
        env.put("MAIL_S3_SECRET_KEY", s3.secretKey());
        env.put("MAIL_STORE_HOST", "127.0.0.1");
        env.put("MAIL_STORE_PORT", Integer.toString(grpcPort));
        env.put("QUARKUS_HTTP_PORT", Integer.toString(httpPort));
        env.put("MAIL_STORE_BIND", "127.0.0.1");
        // Mutual TLS, as ./mailctl run has it: callers need TestCertificates' client certificate (or channel()).
        env.putAll(TestCertificates.storeEnvironment());
        env.putAll(extraEnv);
        return env;
    }

    /** Where the store jar is looked for. */
    public static Path storeJar() {
        String configured = System.getProperty(JAR_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        return basedir().resolve("../store-service/target/quarkus-app/quarkus-run.jar").normalize();
    }

    /** Surefire sets {@code basedir}; its working directory is the module directory as well. */
    static Path basedir() {
        return Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
    }

    /** A second store-service process: see {@link #startReplica(String)}. Its {@link #close()} stops it. */
    public record Replica(ServiceProcess process, int port) implements AutoCloseable {
        @Override
        public void close() {
            process.stop(ServiceProcess.STOP_GRACE);
        }
    }

    /**
     * Starts another store-service process on this store's PostgreSQL and S3, with the same settings but ports of its
     * own (a second replica, as a deployment runs several), and waits until it is ready. The caller closes it, before
     * this store (whose PostgreSQL and S3 it uses).
     *
     * @param name names its log, {@code target/store-service-NAME-PORT.log}
     */
    public Replica startReplica(String name) throws IOException, InterruptedException {
        int replicaGrpcPort = Ports.freePort();
        int replicaHttpPort = Ports.freePort();
        Map<String, String> replicaEnv = new HashMap<>(env);
        replicaEnv.put("MAIL_STORE_PORT", Integer.toString(replicaGrpcPort));
        replicaEnv.put("QUARKUS_HTTP_PORT", Integer.toString(replicaHttpPort));
        ServiceProcess replica = ServiceProcess.start("store-service-" + name, storeJar(), replicaHttpPort,
                replicaEnv, List.of(), basedir().resolve("target").resolve("store-service-" + name + "-"
                        + replicaGrpcPort + ".log"), null);
        try {
            replica.awaitReady(READY_TIMEOUT);
        } catch (IOException | InterruptedException | RuntimeException e) {
            replica.stop(Duration.ZERO);
            throw e;
        }
        return new Replica(replica, replicaGrpcPort);
    }

    /** Always {@code 127.0.0.1}. */
    public String host() {
        return "127.0.0.1";
    }

    /** The store's gRPC port, where the front ends' {@code store} client connects. */
    public int port() {
        return grpcPort;
    }

    /** The store's HTTP port: {@code /q/health}, {@code /q/metrics}. */
    public int httpPort() {
        return process.port();
    }

    /** {@code http://127.0.0.1:}{@link #httpPort()}. */
    public String baseUrl() {
        return process.baseUrl();
    }

    public Path logFile() {
        return process.logFile();
    }

    /** The store's own database, for tests that need to look behind the API. */
    public EmbeddedPostgresServer postgres() {
        return postgres;
    }

    /** The store's own S3 server. */
    public EmbeddedS3Server s3() {
        return s3;
    }

    /** Kills the store at once (SIGKILL), as a crash would; its PostgreSQL and S3 stay up. */
    public void kill() throws InterruptedException {
        process.process().destroyForcibly().waitFor();
    }

    /** Starts the store again, on the same ports and with the same settings, and waits until it is ready. */
    public void restart() throws IOException, InterruptedException {
        int httpPort = process.port();
        ServiceProcess next = ServiceProcess.start("store-service", storeJar(), httpPort, env, List.of(),
                basedir().resolve("target").resolve("store-service-" + grpcPort + "-restart-"
                        + System.currentTimeMillis() + ".log"), null);
        process = next;
        next.awaitReady(READY_TIMEOUT);
    }

    /** Stops the store (SIGTERM, then a kill after 20 s), then its S3 and PostgreSQL. Idempotent. */
    @Override
    public void close() {
        removeHook(shutdownHook);
        stopAll(process, s3, postgres);
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The hook is running or about to; it does the same work.
        }
    }

    private static void stopAll(ServiceProcess process, EmbeddedS3Server s3, EmbeddedPostgresServer postgres) {
        try {
            if (process != null) {
                process.stop(ServiceProcess.STOP_GRACE);
            }
        } finally {
            try {
                if (s3 != null) {
                    s3.close();
                }
            } finally {
                if (postgres != null) {
                    postgres.close();
                }
            }
        }
    }
}
