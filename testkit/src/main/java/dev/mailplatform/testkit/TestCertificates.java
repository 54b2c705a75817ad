package dev.mailplatform.testkit;

import dev.mailplatform.localplatform.CertificateAuthority;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLException;

/**
 * The store's mutual-TLS material for tests, made as {@code ./mailctl run} makes it ({@link CertificateAuthority}),
 * once per module under {@code target/test-tls/} and reused by later runs: a CA, the store's server certificate
 * (localhost, 127.0.0.1) and one client certificate for whatever calls it (a front end, a test). A second CA under
 * {@code target/test-tls-foreign/} issues the same kinds of certificate, for impostors.
 */
public final class TestCertificates {

    private TestCertificates() {
    }

    /** The module's test CA. */
    public static CertificateAuthority ca() {
        return open("test-tls");
    }

    /** Another CA, which nothing trusts. */
    public static CertificateAuthority foreignCa() {
        return open("test-tls-foreign");
    }

    /** A store certificate from {@code ca}, naming localhost and 127.0.0.1. */
    public static CertificateAuthority.Issued store(CertificateAuthority ca) {
        try {
            return ca.server("store-service", List.of("localhost"), List.of("127.0.0.1"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A caller's certificate from {@code ca}. */
    public static CertificateAuthority.Issued client(CertificateAuthority ca) {
        try {
            return ca.client("test-client");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** MAIL_STORE_TLS_* for the store, as environment variables. */
    public static Map<String, String> storeEnvironment() {
        CertificateAuthority ca = ca();
        return environment(ca, store(ca));
    }

    /** MAIL_STORE_TLS_* for a packaged front end. */
    public static Map<String, String> clientEnvironment() {
        CertificateAuthority ca = ca();
        return environment(ca, client(ca));
    }

    /** {@code mail.store.tls.*} for the store ({@code store}) or a front end, as Quarkus configuration. */
    public static Map<String, String> config(boolean store) {
        CertificateAuthority ca = ca();
        CertificateAuthority.Issued cert = store ? store(ca) : client(ca);
        Map<String, String> config = new LinkedHashMap<>();
        config.put("mail.store.tls.ca", ca.certificate().toString());
        config.put("mail.store.tls.certificate", cert.certificate().toString());
        config.put("mail.store.tls.private-key", cert.privateKey().toString());
        return config;
    }

    /** A channel to the store at host:port that trusts the test CA and presents the test client's certificate. */
    public static NettyChannelBuilder channel(String host, int port) {
        CertificateAuthority ca = ca();
        CertificateAuthority.Issued client = client(ca);
        try {
            return NettyChannelBuilder.forAddress(host, port).sslContext(GrpcSslContexts.forClient()
                    .trustManager(ca.certificate().toFile())
                    .keyManager(client.certificate().toFile(), client.privateKey().toFile()).build());
        } catch (SSLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> environment(CertificateAuthority ca, CertificateAuthority.Issued cert) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("MAIL_STORE_TLS_CA", ca.certificate().toString());
        env.put("MAIL_STORE_TLS_CERTIFICATE", cert.certificate().toString());
        env.put("MAIL_STORE_TLS_PRIVATE_KEY", cert.privateKey().toString());
        return env;
    }

    private static CertificateAuthority open(String dir) {
        try {
            return CertificateAuthority.open(StoreServiceProcess.basedir().resolve("target").resolve(dir));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
