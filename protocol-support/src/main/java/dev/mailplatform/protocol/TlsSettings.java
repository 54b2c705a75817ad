package dev.mailplatform.protocol;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a front end's server certificate comes from: a PEM certificate chain and private key, or a PKCS12 keystore.
 * Exactly one of the two forms must be given.
 */
public record TlsSettings(Optional<Path> certificate, Optional<Path> privateKey, Optional<Path> keystore,
        Optional<String> keystorePassword) {

    public TlsSettings {
        boolean pem = certificate.isPresent() || privateKey.isPresent();
        if (pem && keystore.isPresent()) {
            throw new IllegalArgumentException("TLS: configure either a PEM certificate and key or a PKCS12 keystore, "
                    + "not both");
        }
        if (pem && (certificate.isEmpty() || privateKey.isEmpty())) {
            throw new IllegalArgumentException("TLS: a PEM certificate needs its private key, and the other way round");
        }
        if (!pem && keystore.isEmpty()) {
            throw new IllegalArgumentException("TLS: no certificate configured (a PEM certificate and key, or a PKCS12 "
                    + "keystore)");
        }
        for (Optional<Path> p : new Optional[] {certificate, privateKey, keystore}) {
            if (p.isPresent() && !Files.isReadable(p.get())) {
                throw new IllegalArgumentException("TLS: cannot read " + p.get());
            }
        }
    }

    public static TlsSettings pem(Path certificate, Path privateKey) {
        return new TlsSettings(Optional.of(certificate), Optional.of(privateKey), Optional.empty(), Optional.empty());
    }

    public static TlsSettings pkcs12(Path keystore, String password) {
        return new TlsSettings(Optional.empty(), Optional.empty(), Optional.of(keystore), Optional.ofNullable(password));
    }

    /** Any configured form, or empty when none is: the caller then runs without TLS ports and without STARTTLS. */
    public static Optional<TlsSettings> of(Optional<Path> certificate, Optional<Path> privateKey,
            Optional<Path> keystore, Optional<String> keystorePassword) {
        if (certificate.isEmpty() && privateKey.isEmpty() && keystore.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new TlsSettings(certificate, privateKey, keystore, keystorePassword));
    }
}
