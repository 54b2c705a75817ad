package dev.mailplatform.testkit;

import dev.mailplatform.localplatform.CertificateAuthority;
import dev.mailplatform.localplatform.EmbeddedPostgresServer;
import dev.mailplatform.localplatform.EmbeddedS3Server;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.management.JMException;
import javax.management.JMRuntimeException;
import javax.management.MBeanException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import javax.management.RuntimeMBeanException;
import javax.management.StandardMBean;

/**
 * A real PostgreSQL 17 (throwaway cluster) and an in-memory S3 server (s3proxy) for store-service tests, started
 * once per JVM on free ports and stopped when the JVM exits.
 *
 * <p>{@link #start()} returns {@code mail.db.url}, {@code mail.db.user}, {@code mail.db.password},
 * {@code mail.s3.endpoint}, {@code mail.s3.access-key} and {@code mail.s3.secret-key}; and the store's mutual-TLS
 * material ({@code mail.store.tls.*}) with a caller's certificate for the tests' {@code store} gRPC client
 * ({@code quarkus.grpc.clients.store.ssl.*}), from {@link TestCertificates}. The static methods give tests
 * the same connection details, and let outage tests take either server down and up again (same port, same data).
 *
 * <p>Quarkus may load this class more than once (one class loader per application start) and calls start/stop
 * around restarts. The servers are therefore registered JVM-wide as an MBean, so every copy of this class finds
 * the same ones instead of starting its own; {@link #stop()} leaves them running for the next test class.
 */
public class StoreInfraResource implements QuarkusTestResourceLifecycleManager {

    /** The operations every copy of this class reaches through JMX; JDK types only, so they cross class loaders. */
    public interface InfraMBean {
        String getJdbcUrl();

        String getDbUser();

        String getDbPassword();

        String getS3Endpoint();

        String getS3AccessKey();

        String getS3SecretKey();

        void stopPostgres();

        void startPostgres();

        void stopS3();

        void startS3();
    }

    private static final ObjectName NAME = objectName("dev.mailplatform.testkit:type=StoreInfra");

    /* A string literal is interned, so this is one monitor for all copies of the class in the JVM. */
    private static final String LOCK = "dev.mailplatform.testkit.StoreInfraResource";

    @Override
    public Map<String, String> start() {
        return config();
    }

    /** Leaves the servers running: later test classes reuse them, and a JVM shutdown hook stops them. */
    @Override
    public void stop() {
    }

    /** The configuration that {@link #start()} returns; starts the servers if needed. */
    public static Map<String, String> config() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("mail.db.url", jdbcUrl());
        config.put("mail.db.user", dbUser());
        config.put("mail.db.password", dbPassword());
        config.put("mail.s3.endpoint", s3Endpoint());
        config.put("mail.s3.access-key", s3AccessKey());
        config.put("mail.s3.secret-key", s3SecretKey());
        // The store under test serves mutual TLS, and the tests' own "store" client presents a caller's certificate.
        config.putAll(TestCertificates.config(true));
        CertificateAuthority ca = TestCertificates.ca();
        CertificateAuthority.Issued client = TestCertificates.client(ca);
        config.put("quarkus.grpc.clients.store.ssl.trust-store", ca.certificate().toString());
        config.put("quarkus.grpc.clients.store.ssl.certificate", client.certificate().toString());
        config.put("quarkus.grpc.clients.store.ssl.key", client.privateKey().toString());
        return config;
    }

    public static String jdbcUrl() {
        return attribute("JdbcUrl");
    }

    public static String dbUser() {
        return attribute("DbUser");
    }

    public static String dbPassword() {
        return attribute("DbPassword");
    }

    public static String s3Endpoint() {
        return attribute("S3Endpoint");
    }

    public static String s3AccessKey() {
        return attribute("S3AccessKey");
    }

    public static String s3SecretKey() {
        return attribute("S3SecretKey");
    }

    /** Takes PostgreSQL down (a fast shutdown); its port is then refused until {@link #startPostgres()}. */
    public static void stopPostgres() {
        invoke("stopPostgres");
    }

    /** Brings PostgreSQL back on the same port with the same data. */
    public static void startPostgres() {
        invoke("startPostgres");
    }

    /** Takes S3 down; its port is then refused until {@link #startS3()}. */
    public static void stopS3() {
        invoke("stopS3");
    }

    /** Brings S3 back on the same port with the same objects. */
    public static void startS3() {
        invoke("startS3");
    }

    private static String attribute(String name) {
        try {
            return (String) server().getAttribute(NAME, name);
        } catch (JMException | JMRuntimeException e) {
            throw unwrap(e);
        }
    }

    private static void invoke(String operation) {
        try {
            server().invoke(NAME, operation, new Object[0], new String[0]);
        } catch (JMException | JMRuntimeException e) {
            throw unwrap(e);
        }
    }

    /** Gives back what the operation threw, not JMX's wrapper around it. */
    private static RuntimeException unwrap(Exception e) {
        Throwable cause = e;
        while ((cause instanceof MBeanException || cause instanceof RuntimeMBeanException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
    }

    private static MBeanServer server() {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        synchronized (LOCK) {
            if (!server.isRegistered(NAME)) {
                Infra infra = Infra.startNew();
                try {
                    server.registerMBean(new StandardMBean(infra, InfraMBean.class), NAME);
                } catch (JMException e) {
                    infra.close();
                    throw new IllegalStateException("registering the test infrastructure", e);
                }
                Runtime.getRuntime().addShutdownHook(new Thread(infra::close, "testkit-infra-stop"));
            }
        }
        return server;
    }

    private static ObjectName objectName(String name) {
        try {
            return new ObjectName(name);
        } catch (MalformedObjectNameException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The running servers; one per JVM. */
    static final class Infra implements InfraMBean {
        private final EmbeddedPostgresServer postgres;
        private final EmbeddedS3Server s3;

        private Infra(EmbeddedPostgresServer postgres, EmbeddedS3Server s3) {
            this.postgres = postgres;
            this.s3 = s3;
        }

        /**
         * Throwaway servers (PostgreSQL without fsync, S3 in memory), or, with the system property
         * {@code testkit.data-dir}, durable ones in that directory as {@code ./mailctl run} has them: the
         * benchmark measures those.
         */
        static Infra startNew() {
            EmbeddedPostgresServer postgres = null;
            String dir = System.getProperty("testkit.data-dir");
            java.nio.file.Path base = dir == null || dir.isBlank() ? null : java.nio.file.Path.of(dir);
            try {
                postgres = EmbeddedPostgresServer.start(base == null ? null : base.resolve("postgres"), 0);
                return new Infra(postgres, EmbeddedS3Server.start(base == null ? null : base.resolve("s3"), 0));
            } catch (IOException | RuntimeException e) {
                if (postgres != null) {
                    postgres.close();
                }
                throw new IllegalStateException("starting embedded PostgreSQL and S3 for tests", e);
            }
        }

        void close() {
            // S3 first: it is in memory and quick; PostgreSQL also removes its throwaway directory.
            try {
                s3.close();
            } finally {
                postgres.close();
            }
        }

        @Override
        public String getJdbcUrl() {
            return postgres.jdbcUrl();
        }

        @Override
        public String getDbUser() {
            return postgres.user();
        }

        @Override
        public String getDbPassword() {
            return postgres.password();
        }

        @Override
        public String getS3Endpoint() {
            return s3.endpoint();
        }

        @Override
        public String getS3AccessKey() {
            return s3.accessKey();
        }

        @Override
        public String getS3SecretKey() {
            return s3.secretKey();
        }

        @Override
        public void stopPostgres() {
            postgres.stop();
        }

        @Override
        public void startPostgres() {
            try {
                postgres.restart();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void stopS3() {
            s3.stop();
        }

        @Override
        public void startS3() {
            try {
                s3.restart();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
