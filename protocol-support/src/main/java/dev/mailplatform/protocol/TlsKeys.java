package dev.mailplatform.protocol;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The {@code mail.tls.*} keys both front ends read (MAIL_TLS_CERTIFICATE, MAIL_TLS_PRIVATE_KEY, MAIL_TLS_KEYSTORE,
 * MAIL_TLS_KEYSTORE_PASSWORD). Each service maps them with {@code @ConfigMapping(prefix = "mail.tls")} on an
 * interface extending this one; this module stays free of Quarkus.
 */
public interface TlsKeys {

    /** A PEM certificate chain. */
    Optional<Path> certificate();

    /** Its PEM private key. */
    Optional<Path> privateKey();

    /** Or a PKCS12 keystore. */
    Optional<Path> keystore();

    Optional<String> keystorePassword();

    /** The configured certificate, or empty: then no implicit-TLS listener and no STARTTLS/STLS. */
    default Optional<TlsSettings> settings() {
        return TlsSettings.of(certificate(), privateKey(), keystore(), keystorePassword());
    }
}
