package dev.mailplatform.localplatform;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The local launcher: embedded PostgreSQL and S3 (unless external ones are configured), then every service module
 * that has been packaged, each as a child JVM, in dependency order.
 *
 * <p>Configured only through the environment; see {@link #usage()}.
 */
public final class LocalPlatform {

    /** A port that a service opens for its clients besides its HTTP port (the store's gRPC port for the front ends). */
    public record ClientPort(String label, String envVar, int defaultPort) {
    }

    /** A service module the launcher knows how to run; {@code portEnvVar} names its HTTP port. */
    public record ServiceSpec(String name, String portEnvVar, int defaultPort, List<ClientPort> clientPorts) {
    }

    /** The store's gRPC API, which every other service is told about. */
    public static final ClientPort STORE_GRPC = new ClientPort("gRPC", "MAIL_STORE_PORT", 9090);

    /** The names in the store's certificate: what front ends dial locally, and its Kubernetes Service's name. */
    public static final List<String> STORE_DNS_NAMES = List.of("localhost", "store-service");
    public static final List<String> STORE_IP_ADDRESSES = List.of("127.0.0.1", "::1");

    /** In start order: the store first, since every other service talks to it. */
    public static final List<ServiceSpec> SERVICES = List.of(
            new ServiceSpec("store-service", "MAIL_STORE_HTTP_PORT", 9093, List.of(STORE_GRPC)),
            new ServiceSpec("imap-service", "MAIL_IMAP_HTTP_PORT", 9091, List.of(
                    new ClientPort("IMAP", "MAIL_IMAP_PORT", 1143),
                    new ClientPort("IMAPS", "MAIL_IMAPS_PORT", 1993))),
            new ServiceSpec("pop3-service", "MAIL_POP3_HTTP_PORT", 9092, List.of(
                    new ClientPort("POP3", "MAIL_POP3_PORT", 1110),
                    new ClientPort("POP3S", "MAIL_POP3S_PORT", 1995))),
            new ServiceSpec("lmtp-service", "MAIL_LMTP_HTTP_PORT", 9094, List.of(
                    new ClientPort("LMTP", "MAIL_LMTP_PORT", 2424))),
            new ServiceSpec("admin-ui", "MAIL_CONSOLE_PORT", 8080, List.of()));

    /**
     * JVM options every service gets from the launcher, before {@code MAIL_JAVA_OPTS}. Chosen from measurements of
     * the whole platform at rest and after load (docs/benchmarks.md, "Memory at rest"): left to itself, on a machine
     * with much RAM, each JVM sizes its heap from the machine (G1, 1/64 of RAM to start, up to a quarter), which put
     * the platform at 1.2 GiB at rest. The heap starts at 16 MiB and grows only as needed, and gives memory back
     * when more than 40 % of it is free after a collection.
     */
    public static final List<String> DEFAULT_JVM_OPTIONS = List.of(
            // TrimNativeHeapInterval came with 17.0.9: an older JDK 17 runs without it rather than not at all.
            "-XX:+IgnoreUnrecognizedVMOptions",
            "-Xms16m", "-XX:MinHeapFreeRatio=20", "-XX:MaxHeapFreeRatio=40",
            // Give freed malloc memory (the compilers' arenas above all) back to the system every 10 s.
            "-XX:TrimNativeHeapInterval=10000",
            // The JDK's class archive (CDS) at its fixed address, so that its pages are shared by every JVM of the
            // platform; relocated at a random address (the default since 17.0.x), each JVM had 10 MiB of it private.
            "-XX:+UnlockDiagnosticVMOptions", "-XX:ArchiveRelocationMode=0");

    /**
     * Each service's own options after {@link #DEFAULT_JVM_OPTIONS}: its collector and its largest heap. The front
     * ends keep a few MiB of live objects, and the serial collector, which has no threads or remembered sets of its
     * own, holds them in the least memory. The store (Argon2id's 19 MiB per login, the blob cache) runs G1 with a
     * periodic collection when idle: G1 then returns the garbage's memory at rest, which the serial collector does only
     * after a full collection; with tighter free ratios (10-20 %) it keeps 15 MiB less at rest (G1 applies them only
     * after a full or a concurrent cycle, so under load its heap still grows by GC time). The largest heaps leave
     * room for load (imap-service: 10,000 IDLE connections); they are not committed unless used.
     */
    public static final Map<String, List<String>> DEFAULT_SERVICE_JVM_OPTIONS = Map.of(
            "store-service", List.of("-XX:+UseG1GC", "-XX:G1PeriodicGCInterval=15000", "-Xmx256m",
                    "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=20"),
            "imap-service", List.of("-XX:+UseSerialGC", "-Xmx256m"),
            "pop3-service", List.of("-XX:+UseSerialGC", "-Xmx128m"),
            "lmtp-service", List.of("-XX:+UseSerialGC", "-Xmx96m"),
            "admin-ui", List.of("-XX:+UseSerialGC", "-Xmx96m"));

    /** An option that chooses the garbage collector; the JVM refuses two of them. */
    private static final String GC_OPTION = "-XX:\\+Use(Serial|Parallel|G1|Z|Shenandoah|Epsilon)GC";

    public static final int DEFAULT_PG_PORT = 15432;
    /**
     * PostgreSQL's own default, not zonky's 300: the store needs its pool (32) and one LISTEN connection, and every
     * slot costs shared memory at rest (docs/benchmarks.md, "Memory at rest").
     */
    public static final int DEFAULT_PG_MAX_CONNECTIONS = 100;
    /** The store's pool (32 at most), its LISTEN connection, and a few for psql and the migrations. */
    public static final int MIN_PG_MAX_CONNECTIONS = 40;
    public static final int DEFAULT_S3_PORT = 19000;
    public static final Duration DEFAULT_READY_TIMEOUT = Duration.ofSeconds(120);

    /** A failure that is explained by its message alone (no stack trace needed). */
    public static final class PlatformException extends Exception {
        public PlatformException(String message) {
            super(message);
        }
    }

    private final Map<String, String> env;
    private final Path root;
    private final PrintStream out;
    private final Path dataDir;
    private final Path logDir;

    private EmbeddedPostgresServer postgres;
    private EmbeddedS3Server s3;
    private String dbUrl;
    private String dbUser;
    private String dbPassword;
    private String s3Endpoint;
    private String s3AccessKey;
    private String s3SecretKey;
    /** Every port by its variable, 0 already replaced by a free one, so that services and the output agree. */
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private String tlsKeystore;
    private String tlsKeystorePassword;
    /** Per service: its certificate for the store's mutual TLS, and the CA's; empty when configured by hand. */
    private final Map<String, CertificateAuthority.Issued> storeTls = new LinkedHashMap<>();
    private Path storeTlsCa;
    private final Map<ServiceProcess, ServiceSpec> running = new LinkedHashMap<>();
    private final CompletableFuture<Void> stopRequested = new CompletableFuture<>();
    private volatile boolean stopping;
    private boolean stopped;
    private long startNanos;
    /** The services' shared class-data archive at this start; null before {@link #start}. */
    private ClassDataArchive classData;

    /**
     * @param env the environment to read settings from; it is also what the services inherit
     * @param root the repository root, where {@code <service>/target/quarkus-app/quarkus-run.jar} is looked for
     */
    public LocalPlatform(Map<String, String> env, Path root, PrintStream out) {
        this.env = Map.copyOf(env);
        this.root = root.toAbsolutePath().normalize();
        this.out = out;
        this.dataDir = Path.of(setting("MAIL_DATA_DIR", "data")).toAbsolutePath().normalize();
        this.logDir = dataDir.resolve("logs");
    }

    public static void main(String[] args) {
        List<String> rest = new ArrayList<>(Arrays.asList(args));
        boolean check = rest.remove("--check");
        String command = rest.isEmpty() ? "run" : rest.remove(0);
        if (command.equals("check")) {
            check = true;
        } else if (command.equals("help") || command.equals("--help") || command.equals("-h")) {
            System.out.print(usage());
            return;
        } else if (!command.equals("run") || !rest.isEmpty()) {
            System.err.print("unknown arguments: " + String.join(" ", args) + "\n\n" + usage());
            System.exit(2);
        }
        Map<String, String> env = System.getenv();
        check |= isTrue(env.get("MAIL_PLATFORM_EXIT_AFTER_READY"));
        LocalPlatform platform = new LocalPlatform(env, detectRoot(env), System.out);
        Runtime.getRuntime().addShutdownHook(new Thread(platform::stop, "local-platform-stop"));
        int code;
        try {
            platform.start();
            platform.printEndpoints();
            platform.writeClassDataArchive();
            if (check) {
                platform.out.println("Check mode: everything answered, stopping.");
                platform.stop();
                code = 0;
            } else {
                platform.out.println("Press Ctrl-C to stop.");
                code = platform.awaitExit();
            }
        } catch (PlatformException | IllegalArgumentException e) {
            // After Ctrl-C during startup the services die first; that is no failure worth a log tail.
            if (!platform.stopping) {
                System.err.println("local-platform: " + e.getMessage());
            }
            platform.stop();
            code = 1;
        } catch (Exception e) {
            System.err.println("local-platform: failed to start");
            e.printStackTrace();
            platform.stop();
            code = 1;
        }
        System.exit(code);
    }

    /** Starts PostgreSQL, S3 and each packaged service, and waits until all are ready. */
    public void start() throws PlatformException, IOException, InterruptedException {
        startNanos = System.nanoTime();
        List<ServiceSpec> present = SERVICES.stream().filter(s -> Files.isRegularFile(jarOf(s))).toList();
        for (ServiceSpec s : SERVICES) {
            resolvePort(s.portEnvVar(), s.defaultPort());
            for (ClientPort c : s.clientPorts()) {
                resolvePort(c.envVar(), c.defaultPort());
            }
        }
        checkPortsFree(present);

        Files.createDirectories(logDir);
        out.println("Data directory: " + dataDir);
        classData = ClassDataArchive.open(root.resolve("target/cds"),
                present.stream().map(s -> jarOf(s).getParent()).toList(), env.get("MAIL_CLASS_DATA_ARCHIVE"));
        if (!present.isEmpty()) {
            out.println("Class-data archive: " + classData.describe());
        }
        ensureTlsCertificate();
        ensureStoreTlsCertificates();
        startDatabase();
        startS3();
        if (present.isEmpty()) {
            out.println("No service is packaged yet (looked for */target/quarkus-app/quarkus-run.jar under " + root
                    + "); run ./mvnw install -DskipTests. Only PostgreSQL and S3 are running.");
        }
        Duration timeout = Duration.ofSeconds(number("MAIL_READY_TIMEOUT", (int) DEFAULT_READY_TIMEOUT.toSeconds(), 1,
                3600));
        PrintStream echo = isTrue(env.get("MAIL_LOG_ECHO")) ? out : null;
        for (ServiceSpec spec : present) {
            if (stopping) {
                throw new PlatformException("stopped while starting");
            }
            int port = ports.get(spec.portEnvVar());
            Path log = logDir.resolve(spec.name() + ".log");
            out.println("Starting " + spec.name() + " on HTTP port " + port + " (log: " + log + ")");
            ServiceProcess process = ServiceProcess.start(spec.name(), jarOf(spec), port, childEnv(spec, port),
                    jvmArgs(spec.name(), classData.jvmOptions(spec.name()), setting("MAIL_JAVA_OPTS", "")), log, echo);
            synchronized (this) {
                if (stopped) {
                    process.stop(Duration.ZERO);
                    throw new PlatformException("stopped while starting " + spec.name());
                }
                running.put(process, spec);
            }
            long t0 = System.nanoTime();
            try {
                process.awaitReady(timeout);
            } catch (IOException e) {
                throw new PlatformException(e.getMessage());
            }
            out.printf(Locale.ROOT, "  %s ready in %.1f s%n", spec.name(), seconds(System.nanoTime() - t0));
        }
    }

    private void resolvePort(String envVar, int defaultPort) {
        int port = port(envVar, defaultPort);
        ports.put(envVar, port == 0 ? Ports.freePort() : port);
    }

    private void checkPortsFree(List<ServiceSpec> present) throws PlatformException {
        Map<String, Integer> wanted = new LinkedHashMap<>();
        if (!externalDb()) {
            wanted.put("MAIL_PG_PORT", port("MAIL_PG_PORT", DEFAULT_PG_PORT));
        }
        if (!externalS3()) {
            wanted.put("MAIL_S3_PORT", port("MAIL_S3_PORT", DEFAULT_S3_PORT));
        }
        for (ServiceSpec s : present) {
            wanted.put(s.portEnvVar(), ports.get(s.portEnvVar()));
            for (ClientPort c : s.clientPorts()) {
                wanted.put(c.envVar(), ports.get(c.envVar()));
            }
        }
        List<String> taken = new ArrayList<>();
        wanted.forEach((var, port) -> {
            if (port != 0 && !Ports.isFree(port)) {
                taken.add(var + "=" + port);
            }
        });
        if (!taken.isEmpty()) {
            throw new PlatformException("ports already in use on 127.0.0.1: " + String.join(", ", taken)
                    + ". Is another platform running? Stop it, or set those variables to other ports.");
        }
    }

    private void startDatabase() throws IOException, PlatformException {
        if (externalDb()) {
            dbUrl = env.get("MAIL_DB_URL");
            dbUser = env.get("MAIL_DB_USER");
            dbPassword = env.get("MAIL_DB_PASSWORD");
            out.println("PostgreSQL: external, " + dbUrl);
            return;
        }
        Path pgData = dataDir.resolve("postgres");
        int port = port("MAIL_PG_PORT", DEFAULT_PG_PORT);
        out.println("Starting PostgreSQL (data: " + pgData + ")");
        EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(pgData, port, logDir.resolve("postgres.log"),
                number("MAIL_PG_MAX_CONNECTIONS", DEFAULT_PG_MAX_CONNECTIONS, MIN_PG_MAX_CONNECTIONS, 10_000));
        synchronized (this) {
            // A shutdown hook that ran meanwhile did not see this server; it must not outlive the JVM.
            if (stopped) {
                pg.close();
                throw new PlatformException("stopped while starting PostgreSQL");
            }
            postgres = pg;
        }
        dbUrl = postgres.jdbcUrl();
        dbUser = postgres.user();
        dbPassword = postgres.password();
        out.printf(Locale.ROOT, "  PostgreSQL ready on 127.0.0.1:%d in %.1f s%n", postgres.port(),
                seconds(postgres.startupTime().toNanos()));
    }

    private void startS3() throws IOException, PlatformException {
        s3AccessKey = setting("MAIL_S3_ACCESS_KEY", EmbeddedS3Server.DEFAULT_ACCESS_KEY);
        s3SecretKey = setting("MAIL_S3_SECRET_KEY", EmbeddedS3Server.DEFAULT_SECRET_KEY);
        if (externalS3()) {
            s3Endpoint = env.get("MAIL_S3_ENDPOINT");
            out.println("S3: external, " + s3Endpoint);
            return;
        }
        Path s3Data = dataDir.resolve("s3");
        int port = port("MAIL_S3_PORT", DEFAULT_S3_PORT);
        out.println("Starting S3 (s3proxy, data: " + s3Data + ")");
        EmbeddedS3Server server = EmbeddedS3Server.start(s3Data, port, s3AccessKey, s3SecretKey);
        synchronized (this) {
            if (stopped) {
                server.close();
                throw new PlatformException("stopped while starting S3");
            }
            s3 = server;
        }
        s3Endpoint = s3.endpoint();
        out.printf(Locale.ROOT, "  S3 ready on 127.0.0.1:%d in %.1f s%n", s3.port(),
                seconds(s3.startupTime().toNanos()));
    }

    /**
     * The IMAP and POP3 front ends need a certificate for STARTTLS/STLS and their TLS ports. Unless one is configured
     * (MAIL_TLS_CERTIFICATE + MAIL_TLS_PRIVATE_KEY, or MAIL_TLS_KEYSTORE), a self-signed one is made at first start
     * and kept in the data directory, so clients can pin it across restarts.
     */
    private void ensureTlsCertificate() throws IOException, InterruptedException {
        if (env.containsKey("MAIL_TLS_CERTIFICATE") || env.containsKey("MAIL_TLS_KEYSTORE")) {
            return;
        }
        Path dir = dataDir.resolve("tls");
        Path keystore = dir.resolve("server.p12");
        Path passwordFile = dir.resolve("server.p12.password");
        Files.createDirectories(dir);
        if (!Files.isRegularFile(keystore) || !Files.isRegularFile(passwordFile)) {
            byte[] random = new byte[18];
            new java.security.SecureRandom().nextBytes(random);
            String password = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            Files.deleteIfExists(keystore);
            Files.writeString(passwordFile, password);
            try {
                Files.setPosixFilePermissions(passwordFile, java.nio.file.attribute.PosixFilePermissions.fromString(
                        "rw-------"));
            } catch (UnsupportedOperationException e) {
                // Not a POSIX file system: the directory's own permissions are all there is.
            }
            dev.mailplatform.protocol.SelfSignedKeystore.ensure(keystore, password);
            out.println("Generated a self-signed TLS certificate for localhost: " + keystore);
        }
        tlsKeystore = keystore.toString();
        tlsKeystorePassword = Files.readString(passwordFile).strip();
    }

    /**
     * The store accepts only callers with a certificate from one CA, and its callers only a store certificate from
     * it. Unless MAIL_STORE_TLS_CA is set (then every service gets the MAIL_STORE_TLS_* given), a CA is made at
     * first start in $MAIL_DATA_DIR/tls/internal, with a server certificate for the store and a client certificate
     * for each other service; later starts reuse them.
     */
    private void ensureStoreTlsCertificates() throws IOException {
        if (!setting("MAIL_STORE_TLS_CA", "").isEmpty()) {
            return;
        }
        CertificateAuthority ca = CertificateAuthority.open(dataDir.resolve("tls").resolve("internal"));
        storeTlsCa = ca.certificate();
        boolean issued = false;
        for (ServiceSpec spec : SERVICES) {
            CertificateAuthority.Issued cert = spec.clientPorts().contains(STORE_GRPC)
                    ? ca.server(spec.name(), STORE_DNS_NAMES, STORE_IP_ADDRESSES)
                    : ca.client(spec.name());
            storeTls.put(spec.name(), cert);
            issued |= cert.created();
        }
        if (ca.created()) {
            out.println("Generated a CA for the store's mutual TLS: " + ca.certificate());
        } else if (issued) {
            out.println("Issued service certificates for the store's mutual TLS in " + ca.directory());
        }
    }

    private Map<String, String> childEnv(ServiceSpec spec, int port) {
        Map<String, String> child = new LinkedHashMap<>(env);
        CertificateAuthority.Issued cert = storeTls.get(spec.name());
        if (cert != null) {
            child.put("MAIL_STORE_TLS_CA", storeTlsCa.toString());
            child.put("MAIL_STORE_TLS_CERTIFICATE", cert.certificate().toString());
            child.put("MAIL_STORE_TLS_PRIVATE_KEY", cert.privateKey().toString());
        }
        putIfNotNull(child, "MAIL_TLS_KEYSTORE", tlsKeystore);
        putIfNotNull(child, "MAIL_TLS_KEYSTORE_PASSWORD", tlsKeystorePassword);
        putIfNotNull(child, "MAIL_DB_URL", dbUrl);
        putIfNotNull(child, "MAIL_DB_USER", dbUser);
        putIfNotNull(child, "MAIL_DB_PASSWORD", dbPassword);
        child.put("MAIL_S3_ENDPOINT", s3Endpoint);
        child.put("MAIL_S3_ACCESS_KEY", s3AccessKey);
        child.put("MAIL_S3_SECRET_KEY", s3SecretKey);
        child.put("MAIL_STORE_HOST", "127.0.0.1");
        // glibc gives each thread that mallocs its own arena (up to 8 per core); for a JVM, whose heap is not
        // malloc'ed, two arenas hold the native allocations (compilers, NIO, TLS) in less memory.
        child.putIfAbsent("MALLOC_ARENA_MAX", "2");
        child.put(STORE_GRPC.envVar(), Integer.toString(ports.get(STORE_GRPC.envVar())));
        child.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        // A developer's machine: nothing is reachable from outside unless asked for. The store's setting is
        // MAIL_STORE_BIND (both its ports); a QUARKUS_HTTP_HOST put here would override a MAIL_STORE_BIND given.
        if (spec.name().equals("store-service")) {
            child.putIfAbsent("MAIL_STORE_BIND", "127.0.0.1");
            // Each PostgreSQL backend holds 3-15 MiB of caches once used: at rest, close the pool's connections
            // after a minute idle (not five, and none kept open), at the price of a new connection after a pause.
            child.putIfAbsent("QUARKUS_DATASOURCE_JDBC_IDLE_REMOVAL_INTERVAL", "1M");
            child.putIfAbsent("QUARKUS_DATASOURCE_JDBC_MIN_SIZE", "0");
        } else {
            child.putIfAbsent("QUARKUS_HTTP_HOST", "127.0.0.1");
        }
        // The services trust nobody for plaintext passwords by default (behind a local proxy every client is
        // loopback); on a developer's machine, whose ports bind loopback only, local clients may skip TLS.
        child.putIfAbsent("MAIL_IMAP_PLAINTEXT_ON_LOOPBACK", "true");
        if (!child.containsKey("MAIL_POP3_TRUST_LOOPBACK")) { // its old name, given by hand: that one counts
            child.putIfAbsent("MAIL_POP3_PLAINTEXT_ON_LOOPBACK", "true");
        }
        // Set explicitly so that the ports printed at the end are the ones the service opens.
        for (ClientPort c : spec.clientPorts()) {
            child.put(c.envVar(), Integer.toString(ports.get(c.envVar())));
        }
        return child;
    }

    /**
     * The JVM options of one service: {@link #DEFAULT_JVM_OPTIONS}, its own from {@link #DEFAULT_SERVICE_JVM_OPTIONS},
     * then {@code MAIL_JAVA_OPTS}, whose options come last and so win (HotSpot takes the last of a repeated option).
     * A garbage collector chosen in {@code MAIL_JAVA_OPTS} replaces ours, since two are refused.
     */
    static List<String> jvmArgs(String service, String javaOpts) {
        return jvmArgs(service, List.of(), javaOpts);
    }

    /** The same, after the class-data archive's options ({@link ClassDataArchive#jvmOptions}). */
    static List<String> jvmArgs(String service, List<String> archiveOptions, String javaOpts) {
        List<String> extra = javaOpts == null || javaOpts.isBlank() ? List.of()
                : List.of(javaOpts.trim().split("\\s+"));
        boolean ownGc = extra.stream().anyMatch(o -> o.matches(GC_OPTION));
        List<String> args = new ArrayList<>(archiveOptions);
        List<String> ours = new ArrayList<>(DEFAULT_JVM_OPTIONS);
        ours.addAll(DEFAULT_SERVICE_JVM_OPTIONS.getOrDefault(service, List.of()));
        for (String o : ours) {
            if (!(ownGc && o.matches(GC_OPTION))) {
                args.add(o);
            }
        }
        args.addAll(extra);
        return args;
    }

    /**
     * On a start that recorded the services' classes: the class-data archive the next start maps (a few seconds,
     * once per build). Nothing otherwise.
     */
    public void writeClassDataArchive() {
        List<String> names;
        synchronized (this) {
            names = new ArrayList<>(running.keySet().stream().map(ServiceProcess::name).toList());
        }
        // The front ends first, the store (most classes of its own) last: of the classes as many services load,
        // the front ends' then come first in the archive.
        Collections.reverse(names);
        if (classData != null && !stopping) {
            classData.write(names, out);
        }
    }

    /** Prints where everything can be reached. */
    public synchronized void printEndpoints() {
        out.printf(Locale.ROOT, "%nMail platform ready in %.1f s%n", seconds(System.nanoTime() - startNanos));
        for (Map.Entry<ServiceProcess, ServiceSpec> e : running.entrySet()) {
            ServiceProcess p = e.getKey();
            ServiceSpec spec = e.getValue();
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-14s %s", spec.name(),
                    p.baseUrl()));
            String firstAdmin = null;
            if (spec.name().equals("admin-ui")) {
                line.append("   console ").append(p.baseUrl()).append('/');
                // admin-ui logs a generated first password once (no MAIL_ADMIN_PASSWORD on a fresh store): repeat it
                // here, where the operator looks.
                firstAdmin = p.tail(400).lines().filter(l -> l.contains("first console administrator created"))
                        .findFirst().map(l -> l.substring(l.indexOf("first console administrator created")))
                        .orElse(null);
            }
            for (ClientPort c : spec.clientPorts()) {
                line.append("   ").append(c.label()).append(" 127.0.0.1:").append(ports.get(c.envVar()));
            }
            out.println(line);
            if (firstAdmin != null) {
                out.printf("  %-14s %s%n", "", firstAdmin);
            }
        }
        out.printf("  %-14s %s   user %s%s%n", "PostgreSQL", dbUrl, dbUser == null ? "(unset)" : dbUser,
                postgres == null ? "   (external)" : "");
        out.printf("  %-14s %s   access key %s%s%n", "S3", s3Endpoint, s3AccessKey,
                s3 == null ? "   (external)" : "");
        if (storeTlsCa != null) {
            out.printf("  %-14s %s   (the store's mutual TLS; each service's certificate and key beside it)%n",
                    "store CA", storeTlsCa);
        }
        out.printf("  %-14s %s%n", "logs", logDir);
    }

    /**
     * Blocks until {@link #stop()} is called (returns 0) or a service exits by itself (stops the rest, returns 1).
     */
    public int awaitExit() throws InterruptedException {
        List<CompletableFuture<?>> events = new ArrayList<>();
        synchronized (this) {
            running.keySet().forEach(p -> events.add(p.process().onExit()));
        }
        events.add(stopRequested);
        try {
            CompletableFuture.anyOf(events.toArray(CompletableFuture[]::new)).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
        if (stopping) {
            return 0;
        }
        synchronized (this) {
            for (ServiceProcess p : running.keySet()) {
                if (!p.isAlive()) {
                    System.err.println("local-platform: " + p.name() + " exited with code " + p.process().exitValue()
                            + ". Last lines of " + p.logFile() + ":\n" + p.tail(40));
                }
            }
        }
        stop();
        return 1;
    }

    /**
     * Stops the services (latest first; SIGTERM, then a kill after {@link ServiceProcess#STOP_GRACE}), then S3, then
     * PostgreSQL, so that nothing loses its storage while still writing. Idempotent; safe from a shutdown hook.
     */
    public void stop() {
        stopping = true;
        synchronized (this) {
            if (stopped) {
                return;
            }
            stopped = true;
            List<ServiceProcess> services = new ArrayList<>(running.keySet());
            for (int i = services.size() - 1; i >= 0; i--) {
                ServiceProcess p = services.get(i);
                if (p.isAlive()) {
                    out.println("Stopping " + p.name());
                }
                int code = p.stop(ServiceProcess.STOP_GRACE);
                if (code == -1) {
                    out.println("  " + p.name() + " did not stop even when killed");
                }
            }
            if (s3 != null) {
                out.println("Stopping S3");
                closeQuietly(s3);
            }
            if (postgres != null) {
                out.println("Stopping PostgreSQL");
                closeQuietly(postgres);
            }
            out.println("Stopped.");
            out.flush();
        }
        stopRequested.complete(null);
    }

    private void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            out.println("  " + e.getMessage());
        }
    }

    public Path jarOf(ServiceSpec spec) {
        return root.resolve(spec.name()).resolve("target/quarkus-app/quarkus-run.jar");
    }

    public Path dataDir() {
        return dataDir;
    }

    public synchronized List<ServiceProcess> services() {
        return List.copyOf(running.keySet());
    }

    public String dbUrl() {
        return dbUrl;
    }

    public String s3Endpoint() {
        return s3Endpoint;
    }

    private boolean externalDb() {
        return !setting("MAIL_DB_URL", "").isEmpty();
    }

    private boolean externalS3() {
        return !setting("MAIL_S3_ENDPOINT", "").isEmpty();
    }

    private String setting(String key, String defaultValue) {
        String v = env.get(key);
        return v == null || v.isBlank() ? defaultValue : v.trim();
    }

    private int port(String key, int defaultValue) {
        return number(key, defaultValue, 0, 65535);
    }

    private int number(String key, int defaultValue, int min, int max) {
        String v = setting(key, "");
        if (v.isEmpty()) {
            return defaultValue;
        }
        try {
            int n = Integer.parseInt(v);
            if (n < min || n > max) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number from " + min + " to " + max + ", not '" + v
                    + "'");
        }
    }

    private static void putIfNotNull(Map<String, String> map, String key, String value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    private static boolean isTrue(String v) {
        return v != null && (v.equals("1") || v.equalsIgnoreCase("true") || v.equalsIgnoreCase("yes"));
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    /**
     * The repository root: {@code MAIL_PLATFORM_HOME}, else the directory above {@code local-platform/target} when
     * run from there, else the working directory.
     */
    public static Path detectRoot(Map<String, String> env) {
        String home = env.get("MAIL_PLATFORM_HOME");
        if (home != null && !home.isBlank()) {
            return Path.of(home).toAbsolutePath().normalize();
        }
        try {
            Path location = Path.of(LocalPlatform.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path target = location.getParent();
            if (target != null && target.getFileName().toString().equals("target") && target.getParent() != null
                    && target.getParent().getFileName().toString().equals("local-platform")) {
                return target.getParent().getParent();
            }
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            // Fall through to the working directory.
        }
        return Path.of("").toAbsolutePath();
    }

    public static String usage() {
        return """
                Usage: java -jar local-platform/target/local-platform.jar [run|check|help] [--check]

                  run     start PostgreSQL, S3 and every packaged service; stop all with Ctrl-C (default)
                  check   the same, then stop cleanly and exit 0 once everything answered (a smoke test)

                Environment (defaults in brackets):
                  MAIL_DATA_DIR            data, logs and the embedded servers' files [./data]
                  MAIL_PG_PORT             embedded PostgreSQL port on 127.0.0.1 [15432]
                  MAIL_PG_MAX_CONNECTIONS  embedded PostgreSQL's max_connections, 40 to 10000 [100]
                  MAIL_DB_URL              use this PostgreSQL instead of the embedded one (JDBC URL)
                  MAIL_DB_USER             its user
                  MAIL_DB_PASSWORD         its password
                  MAIL_S3_PORT             embedded S3 (s3proxy) port on 127.0.0.1 [19000]
                  MAIL_S3_ENDPOINT         use this S3 server instead of the embedded one
                  MAIL_S3_ACCESS_KEY       S3 access key [mail-local]
                  MAIL_S3_SECRET_KEY       S3 secret key [mail-local-secret]
                  MAIL_STORE_PORT          store-service gRPC port, the front ends' store [9090]
                  MAIL_STORE_HTTP_PORT     store-service HTTP port (health, metrics) [9093]
                  MAIL_IMAP_HTTP_PORT      imap-service HTTP port [9091]
                  MAIL_POP3_HTTP_PORT      pop3-service HTTP port [9092]
                  MAIL_LMTP_HTTP_PORT      lmtp-service HTTP port [9094]
                  MAIL_CONSOLE_PORT        admin-ui (web console) port [8080]
                  MAIL_TLS_KEYSTORE        PKCS12 keystore with the IMAP/POP3 certificate [self-signed, made at first
                                           start in $MAIL_DATA_DIR/tls/server.p12]
                  MAIL_TLS_KEYSTORE_PASSWORD  its password
                  MAIL_TLS_CERTIFICATE     instead: a PEM certificate chain ...
                  MAIL_TLS_PRIVATE_KEY     ... and its PEM private key
                  MAIL_STORE_TLS_CA        the CA (PEM) of the store's mutual TLS, with MAIL_STORE_TLS_CERTIFICATE and
                                           MAIL_STORE_TLS_PRIVATE_KEY, given to every service as they are [a CA
                                           and a certificate per service, made at first start in
                                           $MAIL_DATA_DIR/tls/internal]
                  MAIL_IMAP_PORT           IMAP port [1143]
                  MAIL_IMAPS_PORT          IMAP over TLS port [1993]
                  MAIL_POP3_PORT           POP3 port [1110]
                  MAIL_POP3S_PORT          POP3 over TLS port [1995]
                  MAIL_LMTP_PORT           LMTP port, for the MTA (loopback only) [2424]
                  MAIL_SEED_ACCOUNTS       file of address:password lines; the store creates missing accounts
                  MAIL_READY_TIMEOUT       seconds each service gets to become ready [120]
                  MAIL_JAVA_OPTS           extra JVM options for every service, after the defaults (heap, collector;
                                           see local-platform/README.md), which they override, e.g. -Xmx512m
                  MAIL_CLASS_DATA_ARCHIVE  auto: the services share one class-data archive of this build, recorded at
                                           its first start in <repo>/target/cds and mapped by later starts; off [auto]
                  MAIL_LOG_ECHO            1 to also print each service's log, prefixed [off]
                  MAIL_PLATFORM_EXIT_AFTER_READY  1 acts like check
                  MAIL_PLATFORM_HOME       repository root holding the service modules [found from the jar]
                  MAIL_STORE_BIND          address store-service's gRPC and HTTP ports bind [127.0.0.1]
                  QUARKUS_HTTP_HOST        address the other services' HTTP ports bind [127.0.0.1]
                A port of 0 picks a free one. Every other variable is passed on to the services.
                """;
    }
}
