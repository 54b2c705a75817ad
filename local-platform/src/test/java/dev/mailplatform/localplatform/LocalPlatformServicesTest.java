package dev.mailplatform.localplatform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's contract with the services it runs (environment, start order, readiness, stop order), checked with
 * {@link ServiceStub} packaged where the launcher looks for {@code quarkus-run.jar}.
 */
class LocalPlatformServicesTest {

    @TempDir
    Path tmp;

    @Test
    void startsServicesInOrderWithTheirEnvironmentAndStopsThemInReverse() throws Exception {
        Path root = tmp.resolve("repo");
        stubJar(root, "store-service");
        stubJar(root, "imap-service");
        int storePort = Ports.freePort();
        int storeHttpPort = Ports.freePort();
        int imapPort = Ports.freePort();
        Map<String, String> env = baseEnv();
        env.put("MAIL_STORE_PORT", Integer.toString(storePort));
        env.put("MAIL_STORE_HTTP_PORT", Integer.toString(storeHttpPort));
        env.put("MAIL_IMAP_HTTP_PORT", "0");
        env.put("MAIL_IMAP_PORT", Integer.toString(imapPort));
        env.put("MAIL_IMAPS_PORT", "0");
        env.put("MAIL_SEED_ACCOUNTS", "/somewhere/seed.txt");
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        LocalPlatform platform = new LocalPlatform(env, root, new PrintStream(console, true, StandardCharsets.UTF_8));
        try {
            platform.start();
            platform.printEndpoints();
            assertEquals(2, platform.services().size());
            assertEquals("store-service", platform.services().get(0).name());
            assertEquals(storeHttpPort, platform.services().get(0).port(), "readiness is probed over HTTP");
            platform.writeClassDataArchive();
        } finally {
            platform.stop();
        }
        String out = console.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("store-service  http://127.0.0.1:" + storeHttpPort + "   gRPC 127.0.0.1:" + storePort),
                out);
        assertTrue(out.contains("IMAP 127.0.0.1:" + imapPort), out);
        // The first start of a build records the services' classes; the archive is there for the next one.
        assertTrue(out.contains("Class-data archive: none for this build yet"), out);
        assertTrue(out.contains("Class-data archive for the next start: "), out);
        assertEquals(ClassDataArchive.State.READY, ClassDataArchive.open(root.resolve("target/cds"),
                List.of(root.resolve("store-service/target/quarkus-app"), root.resolve("imap-service/target/quarkus-app")),
                null).state());
        assertTrue(out.indexOf("Stopping imap-service") < out.indexOf("Stopping store-service"), out);
        assertTrue(out.indexOf("Stopping store-service") < out.indexOf("Stopping PostgreSQL"), out);

        Path logs = tmp.resolve("data/logs");
        String store = Files.readString(logs.resolve("store-service.log"));
        String imap = Files.readString(logs.resolve("imap-service.log"));
        assertTrue(store.contains("env QUARKUS_HTTP_PORT=" + storeHttpPort), store);
        assertTrue(store.contains("env MAIL_STORE_PORT=" + storePort), store);
        assertTrue(store.contains("env MAIL_DB_URL=" + platform.dbUrl()), store);
        assertTrue(store.contains("env MAIL_DB_USER=postgres"), store);
        assertTrue(store.contains("env MAIL_S3_ENDPOINT=" + platform.s3Endpoint()), store);
        assertTrue(store.contains("env MAIL_S3_ACCESS_KEY=mail-local"), store);
        assertTrue(store.contains("env MAIL_SEED_ACCOUNTS=/somewhere/seed.txt"), store);
        assertTrue(store.contains("stub stopping"), store);
        assertTrue(store.contains("env MAIL_STORE_BIND=127.0.0.1"), store);
        assertFalse(store.contains("env QUARKUS_HTTP_HOST="), "the store's HTTP port binds where its gRPC port does");
        assertTrue(imap.contains("env QUARKUS_HTTP_HOST=127.0.0.1"), imap);
        assertTrue(imap.contains("env MAIL_STORE_HOST=127.0.0.1"), imap);
        assertTrue(imap.contains("env MAIL_STORE_PORT=" + storePort), imap);
        assertTrue(imap.contains("env MAIL_IMAP_PORT=" + imapPort), imap);
        // Mutual TLS on the store's API: one CA, the store's server certificate, the front end's client one.
        Path internal = tmp.resolve("data/tls/internal").toAbsolutePath();
        assertTrue(store.contains("env MAIL_STORE_TLS_CA=" + internal.resolve("ca.pem")), store);
        assertTrue(store.contains("env MAIL_STORE_TLS_CERTIFICATE=" + internal.resolve("store-service.pem")), store);
        assertTrue(store.contains("env MAIL_STORE_TLS_PRIVATE_KEY=" + internal.resolve("store-service.key")), store);
        assertTrue(imap.contains("env MAIL_STORE_TLS_CA=" + internal.resolve("ca.pem")), imap);
        assertTrue(imap.contains("env MAIL_STORE_TLS_CERTIFICATE=" + internal.resolve("imap-service.pem")), imap);
        assertTrue(imap.contains("env MAIL_STORE_TLS_PRIVATE_KEY=" + internal.resolve("imap-service.key")), imap);
        assertFalse(imap.contains("env QUARKUS_HTTP_PORT=0"), imap);
        // Memory defaults (docs/benchmarks.md, "Memory at rest"), MAIL_JAVA_OPTS after them.
        assertTrue(store.contains(" -Xms16m "), store);
        assertTrue(store.contains("-XX:+UseG1GC -XX:G1PeriodicGCInterval=15000 -Xmx256m -XX:MinHeapFreeRatio=10"
                + " -XX:MaxHeapFreeRatio=20 -XX:TieredStopAtLevel=1"),
                store);
        assertTrue(imap.contains("-XX:+UseSerialGC -Xmx256m -XX:TieredStopAtLevel=1"), imap);
        assertTrue(store.contains("env QUARKUS_DATASOURCE_JDBC_MIN_SIZE=0"), store);
        assertFalse(imap.contains("env QUARKUS_DATASOURCE_JDBC_MIN_SIZE"), imap);
        assertTrue(imap.contains("env MALLOC_ARENA_MAX=2"), imap);
        assertTrue(imap.contains("-Xlog:class+load=debug:file="), imap);
    }

    @Test
    void memoryDefaultsComeFirstAndAGarbageCollectorGivenReplacesOurs() {
        assertEquals(List.of("-XX:+IgnoreUnrecognizedVMOptions", "-Xms16m", "-XX:MinHeapFreeRatio=20", "-XX:MaxHeapFreeRatio=40",
                "-XX:TrimNativeHeapInterval=10000", "-XX:+UnlockDiagnosticVMOptions", "-XX:ArchiveRelocationMode=0",
                "-XX:+UseSerialGC", "-Xmx128m"), LocalPlatform.jvmArgs("pop3-service", ""));
        List<String> g1 = LocalPlatform.jvmArgs("pop3-service", " -XX:+UseG1GC  -Xmx1g ");
        assertFalse(g1.contains("-XX:+UseSerialGC"), g1.toString());
        assertEquals(List.of("-XX:+UseG1GC", "-Xmx1g"), g1.subList(g1.size() - 2, g1.size()));
        assertTrue(LocalPlatform.jvmArgs("store-service", null).contains("-XX:+UseG1GC"));
        for (LocalPlatform.ServiceSpec s : LocalPlatform.SERVICES) {
            assertTrue(LocalPlatform.jvmArgs(s.name(), "").stream().anyMatch(o -> o.startsWith("-Xmx")), s.name());
        }
    }

    @Test
    void aServiceThatDiesStopsTheStartWithItsLog() throws Exception {
        Path root = tmp.resolve("repo");
        stubJar(root, "store-service");
        Map<String, String> env = baseEnv();
        env.put("MAIL_STORE_PORT", "0");
        env.put("MAIL_STORE_HTTP_PORT", "0");
        env.put("STUB_MODE", "die");
        LocalPlatform platform = new LocalPlatform(env, root, new PrintStream(OutputStream.nullOutputStream(), true,
                StandardCharsets.UTF_8));
        try {
            LocalPlatform.PlatformException e = assertThrows(LocalPlatform.PlatformException.class, platform::start);
            assertTrue(e.getMessage().contains("store-service exited with code 3"), e.getMessage());
            assertTrue(e.getMessage().contains("stub failing on purpose"), e.getMessage());
        } finally {
            platform.stop();
        }
    }

    private Map<String, String> baseEnv() {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("MAIL_DATA_DIR", tmp.resolve("data").toString());
        env.put("MAIL_PG_PORT", "0");
        env.put("MAIL_S3_PORT", "0");
        env.put("MAIL_READY_TIMEOUT", "60");
        env.put("MAIL_JAVA_OPTS", "-XX:TieredStopAtLevel=1");
        return env;
    }

    /** A jar whose manifest runs the stub from the test classes, where the launcher expects quarkus-run.jar. */
    private static void stubJar(Path root, String service) throws Exception {
        Path jar = root.resolve(service).resolve("target/quarkus-app/quarkus-run.jar");
        Files.createDirectories(jar.getParent());
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, ServiceStub.class.getName());
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH,
                ServiceProcessTest.testClasses().toUri().toString());
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            out.flush();
        }
    }
}
