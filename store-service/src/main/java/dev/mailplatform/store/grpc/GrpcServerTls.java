package dev.mailplatform.store.grpc;

import dev.mailplatform.protocol.StoreTransport;
import dev.mailplatform.store.config.StoreConfig;
import io.quarkus.grpc.api.ServerBuilderCustomizer;
import io.quarkus.grpc.runtime.config.GrpcServerConfiguration;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.SSLEngineOptions;
import io.vertx.grpc.VertxServerBuilder;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jboss.logging.Logger;

/**
 * How the gRPC API admits callers ({@link StoreTransport}), applied while the server is built, before its port binds:
 * with {@code mail.store.tls.*} material, mutual TLS, and only a client certificate issued by {@code mail.store.tls.ca}
 * gets in; without it, plaintext on loopback only (or where explicitly allowed); otherwise the store stops.
 *
 * <p>application.properties hands the store's certificate and {@code client-auth=REQUIRED} to Quarkus; its separate
 * gRPC server reads a trust store only as JKS or PKCS12 with a password, so the PEM CA is added here.
 *
 * <p>TLS runs on OpenSSL (BoringSSL from netty-tcnative) where its native library loads, else on the JDK's engine:
 * the JDK's SSLEngine and AES-GCM were a large share of the store's CPU on the internal link.
 */
@ApplicationScoped
public class GrpcServerTls implements ServerBuilderCustomizer<VertxServerBuilder> {

    private static final Logger LOG = Logger.getLogger(GrpcServerTls.class);

    @Inject
    StoreConfig config;

    @Override
    public void customize(GrpcServerConfiguration grpc, VertxServerBuilder builder) {
        StoreConfig.Store.Tls tls = config.store().tls();
        try {
            switch (tls.transport(grpc.host(), true)) {
                case MUTUAL_TLS -> requireCallerCertificates(grpc, builder, tls.ca().orElseThrow());
                case PLAINTEXT_ON_LOOPBACK -> LOG.infof("gRPC API on %s: plaintext on loopback, callers"
                        + " unauthenticated (no mail.store.tls.* material)", grpc.host());
                case PLAINTEXT_ALLOWED -> LOG.warnf("gRPC API on %s: plaintext, callers unauthenticated"
                        + " (mail.store.tls.allow-plaintext)", grpc.host());
            }
        } catch (StoreTransport.Refused e) {
            // One line that says what to set, not a stack trace; then the store stops before its port opens.
            LOG.error(e.getMessage());
            System.out.flush();
            System.err.flush();
            Runtime.getRuntime().halt(1);
        }
    }

    private static void requireCallerCertificates(GrpcServerConfiguration grpc, VertxServerBuilder builder,
            Path ca) {
        // Quarkus would serve TLS without asking callers for a certificate, or trust the JDK's public CAs, if its
        // own keys were changed away from what application.properties derives from mail.store.tls.*.
        if (grpc.ssl().certificate().isEmpty() || grpc.ssl().clientAuth() != ClientAuth.REQUIRED
                || grpc.ssl().trustStore().isPresent()) {
            throw new StoreTransport.Refused("quarkus.grpc.server.ssl.* must stay as application.properties sets"
                    + " them (certificate and key from mail.store.tls.*, client-auth REQUIRED, no trust-store)");
        }
        Buffer pem;
        try {
            pem = Buffer.buffer(Files.readAllBytes(ca));
        } catch (IOException e) {
            throw new StoreTransport.Refused("mail.store.tls.ca: cannot read " + ca + ": " + e.getMessage());
        }
        SSLEngineOptions engine = engine();
        builder.useSsl(options -> options.setPemTrustOptions(new PemTrustOptions().addCertValue(pem))
                .setSslEngineOptions(engine.copy()));
        LOG.infof("gRPC API on %s: mutual TLS (%s), callers need a certificate issued by %s", grpc.host(),
                engineName(engine), ca);
    }

    /** OpenSSL when netty-tcnative's native library loads on this platform (linux-x86_64 is bundled), else the JDK. */
    static SSLEngineOptions engine() {
        return OpenSSLEngineOptions.isAvailable() ? new OpenSSLEngineOptions() : new JdkSSLEngineOptions();
    }

    static String engineName(SSLEngineOptions engine) {
        if (engine instanceof OpenSSLEngineOptions) {
            return "TLS engine OpenSSL, " + OpenSsl.versionString();
        }
        Throwable why = OpenSsl.unavailabilityCause();
        return "TLS engine JDK, OpenSSL unavailable: " + (why == null ? "not on the class path" : why.getMessage());
    }
}
