package dev.mailplatform.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreTransportTest {

    @TempDir
    Path tmp;

    record Keys(Optional<Path> ca, Optional<Path> certificate, Optional<Path> privateKey, boolean allowPlaintext)
            implements StoreTlsKeys {
    }

    static final Keys NONE = new Keys(Optional.empty(), Optional.empty(), Optional.empty(), false);

    @Test
    void withoutMaterialPlaintextOnlyOnLoopbackOrWhenAllowed() {
        assertEquals(StoreTransport.PLAINTEXT_ON_LOOPBACK, NONE.transport("127.0.0.1", true));
        assertEquals(StoreTransport.PLAINTEXT_ON_LOOPBACK, NONE.transport("localhost", false));
        assertEquals(StoreTransport.PLAINTEXT_ON_LOOPBACK, NONE.transport("::1", true));
        StoreTransport.Refused wide = assertThrows(StoreTransport.Refused.class,
                () -> NONE.transport("0.0.0.0", true));
        assertTrue(wide.getMessage().contains("listen on 0.0.0.0 in plaintext"), wide.getMessage());
        assertTrue(wide.getMessage().contains("MAIL_STORE_TLS_CA"), wide.getMessage());
        StoreTransport.Refused remote = assertThrows(StoreTransport.Refused.class,
                () -> NONE.transport("store-service", false));
        assertTrue(remote.getMessage().contains("the store at store-service would be called in plaintext"),
                remote.getMessage());
        Keys allowed = new Keys(Optional.empty(), Optional.empty(), Optional.empty(), true);
        assertEquals(StoreTransport.PLAINTEXT_ALLOWED, allowed.transport("0.0.0.0", true));
    }

    @Test
    void materialIsAllOrNothingAndMustBeReadable() throws Exception {
        Path ca = Files.writeString(tmp.resolve("ca.pem"), "x");
        Path cert = Files.writeString(tmp.resolve("cert.pem"), "x");
        Path key = Files.writeString(tmp.resolve("key.pem"), "x");
        Keys all = new Keys(Optional.of(ca), Optional.of(cert), Optional.of(key), false);
        assertEquals(StoreTransport.MUTUAL_TLS, all.transport("0.0.0.0", true));
        assertEquals(StoreTransport.MUTUAL_TLS, all.transport("127.0.0.1", true), "material is used on loopback too");

        Keys caOnly = new Keys(Optional.of(ca), Optional.empty(), Optional.empty(), true);
        StoreTransport.Refused partial = assertThrows(StoreTransport.Refused.class,
                () -> caOnly.transport("127.0.0.1", false));
        assertTrue(partial.getMessage().contains("missing mail.store.tls.certificate (MAIL_STORE_TLS_CERTIFICATE), "
                + "mail.store.tls.private-key (MAIL_STORE_TLS_PRIVATE_KEY)"), partial.getMessage());

        Keys gone = new Keys(Optional.of(tmp.resolve("nope.pem")), Optional.of(cert), Optional.of(key), false);
        StoreTransport.Refused unreadable = assertThrows(StoreTransport.Refused.class,
                () -> gone.transport("127.0.0.1", true));
        assertTrue(unreadable.getMessage().startsWith("mail.store.tls.ca: cannot read "), unreadable.getMessage());
    }
}
