package dev.mailplatform.protocol;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Makes a self-signed PKCS12 keystore with the JDK's keytool, for the local platform's first start and for tests.
 * Never for production: clients cannot verify it.
 */
public final class SelfSignedKeystore {

    private static final String PASSWORD_ENV = "MAIL_KEYTOOL_STOREPASS";

    private SelfSignedKeystore() {
    }

    /** Creates {@code target} unless it exists; the certificate names localhost, 127.0.0.1 and the given names. */
    public static Path ensure(Path target, String password, String... extraDnsNames)
            throws IOException, InterruptedException {
        if (Files.isRegularFile(target)) {
            return target;
        }
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "keystore", ".p12");
        Files.delete(tmp);
        StringBuilder san = new StringBuilder("SAN=dns:localhost,ip:127.0.0.1");
        for (String name : extraDnsNames) {
            san.append(",dns:").append(name);
        }
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "mail", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "3650",
                "-dname", "CN=localhost,O=mail platform (self-signed)", "-ext", san.toString(),
                "-storetype", "PKCS12", "-keystore", tmp.toString(), "-storepass:env", PASSWORD_ENV, "-keypass:env",
                PASSWORD_ENV));
        // The password goes through the environment, not the command line: there every local user could read it in
        // the process list, and the launcher took a random one that began with "-J" for a JVM option.
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put(PASSWORD_ENV, password);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("keytool failed: " + output.strip());
        }
        Files.move(tmp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return target;
    }
}
