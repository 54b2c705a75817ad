package dev.mailplatform.imap.config;

import dev.mailplatform.protocol.TlsSettings;
import io.smallrye.config.ConfigMapping;
import java.nio.file.Path;
import java.util.Optional;

/** {@code mail.tls.*}: the server certificate, shared in name with pop3-service (MAIL_TLS_KEYSTORE, ...). */
@ConfigMapping(prefix = "mail.tls")
public interface TlsConfig {

    Optional<Path> certificate();

    Optional<Path> privateKey();

    Optional<Path> keystore();

    Optional<String> keystorePassword();

    /** The configured certificate, or empty: then no IMAPS listener and no STARTTLS. */
    default Optional<TlsSettings> settings() {
        return TlsSettings.of(certificate(), privateKey(), keystore(), keystorePassword());
    }
}
