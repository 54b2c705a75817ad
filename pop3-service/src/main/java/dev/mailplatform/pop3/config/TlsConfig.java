package dev.mailplatform.pop3.config;

import dev.mailplatform.protocol.TlsSettings;
import io.smallrye.config.ConfigMapping;
import java.nio.file.Path;
import java.util.Optional;

/** The server certificate, shared with imap-service: PEM files or a PKCS12 keystore ({@code MAIL_TLS_KEYSTORE}). */
@ConfigMapping(prefix = "mail.tls")
public interface TlsConfig {

    Optional<Path> certificate();

    Optional<Path> privateKey();

    Optional<Path> keystore();

    Optional<String> keystorePassword();

    default Optional<TlsSettings> settings() {
        return TlsSettings.of(certificate(), privateKey(), keystore(), keystorePassword());
    }
}
