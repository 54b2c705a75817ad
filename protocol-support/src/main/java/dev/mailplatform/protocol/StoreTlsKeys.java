package dev.mailplatform.protocol;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The {@code mail.store.tls.*} keys of the store and of every service that calls it (MAIL_STORE_TLS_CA,
 * MAIL_STORE_TLS_CERTIFICATE, MAIL_STORE_TLS_PRIVATE_KEY, MAIL_STORE_TLS_ALLOW_PLAINTEXT). Each service maps them
 * with a {@code @ConfigMapping} on an interface extending this one; this module stays free of Quarkus.
 */
public interface StoreTlsKeys {

    /** The CA (PEM) whose certificates the other side must present: callers' for the store, the store's for them. */
    Optional<Path> ca();

    /** This service's own certificate chain (PEM): the store's server certificate, or a caller's client one. */
    Optional<Path> certificate();

    /** Its private key (PEM, PKCS#8). */
    Optional<Path> privateKey();

    /** Plaintext without authentication on a non-loopback address, e.g. inside a service mesh that does mTLS. */
    boolean allowPlaintext();

    /** @see StoreTransport#choose */
    default StoreTransport transport(String address, boolean listening) {
        return StoreTransport.choose(this, address, listening);
    }

    /**
     * A caller's channel to the store at host:port: its transport by {@link StoreTransport#choose}, checked against
     * whether the gRPC client was actually given the TLS files ({@code quarkus.grpc.clients.store.ssl.*}), as one
     * line for the log. Refused when the rule refuses or the client's settings were changed by hand.
     */
    default String callerChannel(String host, int port, boolean clientTlsFilesSet) {
        StoreTransport transport = transport(host, false);
        if (transport == StoreTransport.MUTUAL_TLS && !clientTlsFilesSet) {
            throw new StoreTransport.Refused("quarkus.grpc.clients.store.ssl.* must stay as application.properties"
                    + " sets them (from mail.store.tls.*)");
        }
        return "store at " + host + ":" + port + ": " + switch (transport) {
            case MUTUAL_TLS -> "mutual TLS, its certificate checked against " + ca().orElseThrow();
            case PLAINTEXT_ON_LOOPBACK -> "plaintext on loopback (no mail.store.tls.* material)";
            case PLAINTEXT_ALLOWED -> "plaintext (mail.store.tls.allow-plaintext)";
        };
    }
}
