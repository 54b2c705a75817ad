package dev.mailplatform.lmtp.service;

import dev.mailplatform.protocol.SelfSignedKeystore;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Path;
import java.util.Map;

/** A keytool-made self-signed certificate under target/, so the test instance has STARTTLS. */
public class TestKeystoreResource implements QuarkusTestResourceLifecycleManager {

    public static final String PASSWORD = "test-keystore";

    public static Path keystore() throws Exception {
        return SelfSignedKeystore.ensure(Path.of("target", "test-tls", "lmtp-test.p12").toAbsolutePath(), PASSWORD);
    }

    @Override
    public Map<String, String> start() {
        try {
            return Map.of("mail.tls.keystore", keystore().toString(), "mail.tls.keystore-password", PASSWORD);
        } catch (Exception e) {
            throw new IllegalStateException("cannot make the test keystore", e);
        }
    }

    @Override
    public void stop() {
    }
}
