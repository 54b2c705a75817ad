package dev.mailplatform.imap.replica;

import dev.mailplatform.imap.service.ImapClient;
import dev.mailplatform.localplatform.Ports;
import dev.mailplatform.localplatform.ServiceProcess;
import dev.mailplatform.protocol.SelfSignedKeystore;
import dev.mailplatform.store.v1.Account;
import dev.mailplatform.store.v1.AccountServiceGrpc;
import dev.mailplatform.testkit.StoreServiceProcess;
import dev.mailplatform.testkit.StoreTestClient;
import dev.mailplatform.testkit.TestCertificates;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Two store-service processes on one PostgreSQL and one S3, and two imap-service processes, all packaged jars run as
 * child JVMs on free loopback ports: imap A talks to store 1, imap B to store 2. Needs
 * {@code imap-service/target/quarkus-app/quarkus-run.jar} and the store's jar (see {@link StoreServiceProcess}), so
 * it runs after {@code package} (failsafe).
 */
final class ImapReplicas implements AutoCloseable {

    static final String PASSWORD = "replica-password-1";
    static final String KEYSTORE_PASSWORD = "replica-keystore-password";

    private StoreServiceProcess store1;
    private StoreServiceProcess.Replica store2;
    private ServiceProcess imapA;
    private ServiceProcess imapB;
    private int imapPortA;
    private int imapPortB;
    private ManagedChannel channel;

    static ImapReplicas start() throws Exception {
        return start(Map.of());
    }

    /** With {@code envA} added to imap A's environment (e.g. its shutdown settings). */
    static ImapReplicas start(Map<String, String> envA) throws Exception {
        Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar").toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IOException("no imap-service jar at " + jar + ": this test runs after package (failsafe, "
                    + "./mvnw -pl imap-service -am verify)");
        }
        ImapReplicas r = new ImapReplicas();
        try {
            r.store1 = StoreServiceProcess.start();
            // The second replica starts once the first has migrated the schema.
            r.store2 = r.store1.startReplica("2");
            Path keystore = SelfSignedKeystore.ensure(Path.of("target", "test-tls", "replica-server.p12")
                    .toAbsolutePath(), KEYSTORE_PASSWORD);
            r.imapPortA = Ports.freePort();
            r.imapA = startImap("imap-a", jar, r.store1.port(), r.imapPortA, keystore, envA);
            r.imapPortB = Ports.freePort();
            r.imapB = startImap("imap-b", jar, r.store2.port(), r.imapPortB, keystore, Map.of());
            r.imapA.awaitReady(StoreServiceProcess.READY_TIMEOUT);
            r.imapB.awaitReady(StoreServiceProcess.READY_TIMEOUT);
            r.channel = TestCertificates.channel("127.0.0.1", r.store1.port()).build();
            return r;
        } catch (Exception e) {
            r.close();
            throw e;
        }
    }

    /** imap-service as {@code ./mailctl run} starts it (LocalPlatform.childEnv), without the parent's MAIL_*. */
    private static ServiceProcess startImap(String name, Path jar, int storePort, int imapPort, Path keystore,
            Map<String, String> extraEnv) throws IOException {
        int http = Ports.freePort();
        Map<String, String> env = new HashMap<>();
        System.getenv().forEach((k, v) -> {
            if (!k.startsWith("MAIL_") && !k.startsWith("QUARKUS_")) {
                env.put(k, v);
            }
        });
        env.put("MAIL_STORE_HOST", "127.0.0.1");
        env.put("MAIL_STORE_PORT", Integer.toString(storePort));
        env.put("MAIL_IMAP_HTTP_PORT", Integer.toString(http));
        env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        env.put("MAIL_IMAP_PORT", Integer.toString(imapPort));
        env.put("MAIL_IMAPS_PORT", Integer.toString(Ports.freePort()));
        env.put("MAIL_IMAP_PLAINTEXT_ON_LOOPBACK", "true");
        env.put("MAIL_TLS_KEYSTORE", keystore.toString());
        env.put("MAIL_TLS_KEYSTORE_PASSWORD", KEYSTORE_PASSWORD);
        env.putAll(TestCertificates.clientEnvironment()); // the store takes only callers with its CA's certificate
        env.putAll(extraEnv);
        Path log = Path.of("target", name + "-" + imapPort + ".log");
        return ServiceProcess.start(name, jar, http, env, List.of("-Xmx256m"), log, null);
    }

    Account newAccount() {
        return StoreTestClient.newAccount(AccountServiceGrpc.newBlockingStub(channel), "replica", PASSWORD);
    }

    ImapClient loginA(Account a) throws IOException {
        return login(imapPortA, a);
    }

    ImapClient loginB(Account a) throws IOException {
        return login(imapPortB, a);
    }

    private static ImapClient login(int port, Account a) throws IOException {
        ImapClient c = new ImapClient(port);
        String greeting = c.readLine();
        if (greeting == null || !greeting.startsWith("* OK")) {
            throw new IOException("bad greeting: " + greeting);
        }
        c.ok("LOGIN " + a.getAddress() + " " + PASSWORD);
        return c;
    }

    /** The imap A process, for tests that stop it. */
    ServiceProcess imapA() {
        return imapA;
    }

    int imapPortA() {
        return imapPortA;
    }

    /** Store 1, whose PostgreSQL both stores use. */
    StoreServiceProcess store1() {
        return store1;
    }

    /** The imap-service logs, for a failure message. */
    String logs() {
        return "imap A log " + imapA.logFile() + ", imap B log " + imapB.logFile();
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.shutdownNow();
        }
        for (ServiceProcess p : new ServiceProcess[] {imapA, imapB}) {
            if (p != null) {
                p.stop(Duration.ofSeconds(10));
            }
        }
        if (store2 != null) {
            store2.close();
        }
        if (store1 != null) {
            store1.close();
        }
    }
}
