package dev.mailplatform.protocol;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How the store's gRPC API is protected, decided alike by the store (for the address its port binds) and by each
 * caller (for the address it dials). With a CA, a certificate and a key: mutual TLS. Without any of them: plaintext
 * only on loopback, where nothing leaves the host, or where the operator explicitly allows it. Anything else (a
 * part of the material, a file that cannot be read, plaintext across the network) is refused with one sentence.
 */
public enum StoreTransport {
    MUTUAL_TLS,
    PLAINTEXT_ON_LOOPBACK,
    PLAINTEXT_ALLOWED;

    /** Why a service must not start; the message is the whole story, meant for one log line. */
    public static final class Refused extends RuntimeException {
        public Refused(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * @param address the store's bind address ({@code listening}) or the store host a caller dials
     * @throws Refused if the configuration is incomplete, or would put the API in plaintext on the network
     */
    public static StoreTransport choose(StoreTlsKeys keys, String address, boolean listening) {
        List<String> missing = new ArrayList<>();
        int present = 0;
        present += check(keys.ca(), "ca", missing);
        present += check(keys.certificate(), "certificate", missing);
        present += check(keys.privateKey(), "private-key", missing);
        if (present == 3) {
            return MUTUAL_TLS;
        }
        if (present > 0) {
            throw new Refused("mail.store.tls: the CA, the certificate and the private key go together; missing "
                    + String.join(", ", missing));
        }
        if (isLoopback(address)) {
            return PLAINTEXT_ON_LOOPBACK;
        }
        if (keys.allowPlaintext()) {
            return PLAINTEXT_ALLOWED;
        }
        throw new Refused((listening ? "the store's gRPC API would listen on " + address
                + " in plaintext, its callers unauthenticated"
                : "the store at " + address + " would be called in plaintext, unauthenticated")
                + ". Set MAIL_STORE_TLS_CA, MAIL_STORE_TLS_CERTIFICATE and MAIL_STORE_TLS_PRIVATE_KEY (PEM files), "
                + (listening ? "bind 127.0.0.1" : "use a store on 127.0.0.1")
                + ", or set MAIL_STORE_TLS_ALLOW_PLAINTEXT=true if something else protects the link");
    }

    private static int check(Optional<Path> file, String key, List<String> missing) {
        if (file.isEmpty() || file.get().toString().isBlank()) {
            String env = "MAIL_STORE_TLS_" + key.toUpperCase(java.util.Locale.ROOT).replace('-', '_');
            missing.add("mail.store.tls." + key + " (" + env + ")");
            return 0;
        }
        if (!Files.isRegularFile(file.get()) || !Files.isReadable(file.get())) {
            throw new Refused("mail.store.tls." + key + ": cannot read " + file.get());
        }
        return 1;
    }

    /** {@code localhost} or a literal loopback address; no DNS. */
    static boolean isLoopback(String address) {
        return address != null && (address.equalsIgnoreCase("localhost")
                || PlaintextAuthPolicy.isLoopback(address));
    }
}
