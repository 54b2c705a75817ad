package dev.mailplatform.protocol;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PfxOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/** Turns {@link TlsSettings} into Vert.x server options, loading the files once at start. */
public final class TlsMaterial {

    private TlsMaterial() {
    }

    public static KeyCertOptions keyCertOptions(TlsSettings tls) {
        try {
            if (tls.keystore().isPresent()) {
                return new PfxOptions().setValue(Buffer.buffer(Files.readAllBytes(tls.keystore().get())))
                        .setPassword(tls.keystorePassword().orElse(""));
            }
            return new PemKeyCertOptions()
                    .setCertValue(Buffer.buffer(Files.readAllBytes(tls.certificate().orElseThrow())))
                    .setKeyValue(Buffer.buffer(Files.readAllBytes(tls.privateKey().orElseThrow())));
        } catch (IOException e) {
            throw new UncheckedIOException("TLS: cannot read the certificate: " + e.getMessage(), e);
        }
    }

    /**
     * Options for a listener. {@code implicitTls} starts TLS at accept (IMAPS, POP3S); otherwise the key is loaded
     * but TLS starts only when the session upgrades (STARTTLS, STLS).
     */
    public static NetServerOptions serverOptions(TlsSettings tls, boolean implicitTls) {
        NetServerOptions options = new NetServerOptions().setKeyCertOptions(keyCertOptions(tls)).setSsl(implicitTls);
        // Old protocol versions are refused; modern clients speak 1.2 or 1.3.
        options.getEnabledSecureTransportProtocols().clear();
        options.addEnabledSecureTransportProtocol("TLSv1.2").addEnabledSecureTransportProtocol("TLSv1.3");
        return options;
    }
}
