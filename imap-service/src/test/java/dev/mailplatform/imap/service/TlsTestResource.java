package dev.mailplatform.imap.service;

import dev.mailplatform.protocol.SelfSignedKeystore;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Path;
import java.util.Map;

/** A self-signed keystore under target/, made with keytool, configured as the server certificate. */
public class TlsTestResource implements QuarkusTestResourceLifecycleManager {

    static final String PASSWORD = "test-keystore-password";

    @Override
    public Map<String, String> start() {
        try {
            Path keystore = SelfSignedKeystore.ensure(Path.of("target", "test-tls", "server.p12").toAbsolutePath(),
                    PASSWORD);
            return Map.of("mail.tls.keystore", keystore.toString(), "mail.tls.keystore-password", PASSWORD);
        } catch (Exception e) {
            throw new IllegalStateException("cannot make the test keystore", e);
        }
    }

    @Override
    public void stop() {
    }
}
