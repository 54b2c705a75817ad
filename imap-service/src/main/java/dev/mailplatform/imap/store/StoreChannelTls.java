package dev.mailplatform.imap.store;

import dev.mailplatform.imap.config.StoreTlsConfig;
import dev.mailplatform.protocol.StoreTransport;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.handler.ssl.OpenSsl;
import io.quarkus.grpc.api.ChannelBuilderCustomizer;
import io.quarkus.grpc.runtime.config.GrpcClientConfiguration;
import io.vertx.grpc.client.GrpcClientOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Checks the store channel's transport ({@link StoreTransport}) as it is built, before any call: mutual TLS with
 * {@code mail.store.tls.*} (application.properties hands the files to quarkus.grpc.clients.store.ssl.*: the CA the
 * store's certificate must come from, host name checked, and this service's client certificate), else plaintext to a
 * store on loopback only (or where explicitly allowed). Otherwise the service stops with one log line.
 *
 * <p>Quarkus builds the channel's SslContext with grpc-java's {@code GrpcSslContexts.forClient()}, which takes OpenSSL
 * (netty-tcnative's BoringSSL, a dependency of this module) whenever its native library loads, else the JDK's engine;
 * the log line says which.
 */
@ApplicationScoped
public class StoreChannelTls implements ChannelBuilderCustomizer<NettyChannelBuilder> {

    private static final Logger LOG = Logger.getLogger(StoreChannelTls.class);

    @Inject
    StoreTlsConfig tls;

    @Override
    public Map<String, Object> customize(String name, GrpcClientConfiguration config, NettyChannelBuilder builder) {
        if (name.equals("store")) {
            try {
                boolean tlsFiles = config.ssl().trustStore().isPresent() && config.ssl().certificate().isPresent()
                        && config.ssl().key().isPresent();
                String channel = tls.callerChannel(config.host(), config.port(), tlsFiles);
                LOG.info(tlsFiles ? channel + " (" + tlsEngine() + ")" : channel);
            } catch (StoreTransport.Refused e) {
                refuse(e.getMessage());
            }
        }
        return Map.of();
    }

    /** The Vert.x-based client (use-quarkus-grpc-client) reads other TLS keys: it would call the store in plaintext. */
    @Override
    public void customize(String name, GrpcClientConfiguration config, GrpcClientOptions options) {
        if (name.equals("store")) {
            refuse("quarkus.grpc.clients.store.use-quarkus-grpc-client is not supported: its TLS settings differ");
        }
    }

    /** The engine GrpcSslContexts picks: OpenSSL when netty-tcnative loads, else the JDK's. */
    static String tlsEngine() {
        if (OpenSsl.isAvailable()) {
            return "TLS engine OpenSSL, " + OpenSsl.versionString();
        }
        Throwable why = OpenSsl.unavailabilityCause();
        return "TLS engine JDK, OpenSSL unavailable: " + (why == null ? "not on the class path" : why.getMessage());
    }

    private static void refuse(String message) {
        // One line that says what to set, not a stack trace; then the service stops before it calls the store.
        LOG.error(message);
        System.out.flush();
        System.err.flush();
        Runtime.getRuntime().halt(1);
    }
}
