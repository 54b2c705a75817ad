package dev.mailplatform.localplatform;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A private certificate authority for the store's mutual TLS, kept as PEM files in one directory: {@code ca.pem} and
 * {@code ca.key}, and per service {@code NAME.pem} (its certificate) and {@code NAME.key} (PKCS#8). EC P-256 keys,
 * SHA-256 signatures; certificates are built with BouncyCastle, everything else is the JDK's.
 *
 * <p>What exists is reused: the CA while it is valid for another {@link #RENEW_BEFORE}, a service's certificate while
 * it is signed by this CA, names the same hosts and is valid for as long. Anything else is made anew. Keys are
 * written owner-only; a lock file keeps two processes from writing the same directory at once.
 */
public final class CertificateAuthority {

    public static final Duration CA_VALIDITY = Duration.ofDays(3650);
    public static final Duration SERVICE_VALIDITY = Duration.ofDays(730);
    public static final Duration RENEW_BEFORE = Duration.ofDays(30);

    /** A service's certificate and key, as files; {@code created} says whether this call made them. */
    public record Issued(Path certificate, Path privateKey, boolean created) {
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path dir;
    private final X509Certificate caCertificate;
    private final PrivateKey caKey;
    private final boolean created;

    private CertificateAuthority(Path dir, X509Certificate caCertificate, PrivateKey caKey, boolean created) {
        this.dir = dir;
        this.caCertificate = caCertificate;
        this.caKey = caKey;
        this.created = created;
    }

    /** Opens the CA in {@code dir}, making the directory and the CA first if needed. */
    public static CertificateAuthority open(Path dir) throws IOException {
        Path d = dir.toAbsolutePath().normalize();
        Files.createDirectories(d);
        ownerOnly(d, "rwx------");
        return locked(d, () -> {
            Path certFile = d.resolve("ca.pem");
            Path keyFile = d.resolve("ca.key");
            if (Files.isRegularFile(certFile) && Files.isRegularFile(keyFile)) {
                try {
                    X509Certificate cert = readCertificate(certFile);
                    PrivateKey key = readKey(keyFile);
                    if (validFor(cert, RENEW_BEFORE)) {
                        return new CertificateAuthority(d, cert, key, false);
                    }
                } catch (IOException | GeneralSecurityException | RuntimeException unusable) {
                    // Made anew below; every certificate it issued is then reissued too.
                }
            }
            KeyPair pair = newKeyPair();
            X500Principal name = new X500Principal("CN=mail platform internal CA " + HexFormat.of().formatHex(
                    randomBytes(4)) + ",O=mail platform");
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(),
                    Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(CA_VALIDITY)), name,
                    pair.getPublic());
            JcaX509ExtensionUtils ext = extensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
            X509Certificate cert = sign(b, pair.getPrivate());
            writeKey(keyFile, pair.getPrivate());
            writeCertificate(certFile, cert);
            return new CertificateAuthority(d, cert, pair.getPrivate(), true);
        });
    }

    /** The CA's certificate (PEM): what the store trusts for callers and the callers trust for the store. */
    public Path certificate() {
        return dir.resolve("ca.pem");
    }

    public Path directory() {
        return dir;
    }

    /** Whether {@link #open} made this CA (rather than finding it). */
    public boolean created() {
        return created;
    }

    /**
     * A server certificate for {@code name} (TLS server authentication only), naming each of {@code dnsNames} and
     * {@code ipAddresses} (literal addresses) as subject alternative names: the names its clients dial.
     */
    public Issued server(String name, List<String> dnsNames, List<String> ipAddresses) throws IOException {
        List<GeneralName> names = new ArrayList<>();
        dnsNames.forEach(n -> names.add(new GeneralName(GeneralName.dNSName, n)));
        ipAddresses.forEach(ip -> names.add(new GeneralName(GeneralName.iPAddress, ip)));
        return issue(name, KeyPurposeId.id_kp_serverAuth, names);
    }

    /** A client certificate for {@code name} (TLS client authentication only). */
    public Issued client(String name) throws IOException {
        return issue(name, KeyPurposeId.id_kp_clientAuth, List.of());
    }

    private Issued issue(String name, KeyPurposeId purpose, List<GeneralName> altNames) throws IOException {
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            throw new IllegalArgumentException("not a file name: " + name);
        }
        Path certFile = dir.resolve(name + ".pem");
        Path keyFile = dir.resolve(name + ".key");
        return locked(dir, () -> {
            if (reusable(certFile, keyFile, altNames)) {
                return new Issued(certFile, keyFile, false);
            }
            KeyPair pair = newKeyPair();
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(caCertificate, serial(),
                    Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(SERVICE_VALIDITY)),
                    new X500Principal("CN=" + name + ",O=mail platform"), pair.getPublic());
            JcaX509ExtensionUtils ext = extensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
            if (!altNames.isEmpty()) {
                b.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(altNames.toArray(GeneralName[]::new)));
            }
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
            try {
                b.addExtension(Extension.authorityKeyIdentifier, false,
                        ext.createAuthorityKeyIdentifier(caCertificate));
            } catch (java.security.cert.CertificateEncodingException e) {
                throw new IOException(e);
            }
            X509Certificate cert = sign(b, caKey);
            writeKey(keyFile, pair.getPrivate());
            writeCertificate(certFile, cert);
            return new Issued(certFile, keyFile, true);
        });
    }

    private boolean reusable(Path certFile, Path keyFile, List<GeneralName> altNames) {
        if (!Files.isRegularFile(certFile) || !Files.isRegularFile(keyFile)) {
            return false;
        }
        try {
            X509Certificate cert = readCertificate(certFile);
            readKey(keyFile);
            cert.verify(caCertificate.getPublicKey());
            return validFor(cert, RENEW_BEFORE) && altNamesOf(cert).equals(altNamesOf(altNames));
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    private static Set<String> altNamesOf(X509Certificate cert) throws GeneralSecurityException {
        Set<String> names = new HashSet<>();
        Collection<List<?>> sans = cert.getSubjectAlternativeNames();
        if (sans != null) {
            for (List<?> san : sans) {
                names.add(san.get(0) + ":" + canonicalIp((Integer) san.get(0), String.valueOf(san.get(1))));
            }
        }
        return names;
    }

    private static Set<String> altNamesOf(List<GeneralName> wanted) {
        Set<String> names = new HashSet<>();
        for (GeneralName n : wanted) {
            names.add(n.getTagNo() + ":" + canonicalIp(n.getTagNo(), n.getName().toString()));
        }
        return names;
    }

    /** The JDK reports an IP SAN in its own spelling (#7f000001 from BouncyCastle, 127.0.0.1 from the JDK). */
    private static String canonicalIp(int tag, String value) {
        if (tag != GeneralName.iPAddress) {
            return value.toLowerCase(java.util.Locale.ROOT);
        }
        try {
            byte[] raw = value.startsWith("#") ? HexFormat.of().parseHex(value.substring(1))
                    : java.net.InetAddress.getByName(value).getAddress();
            return java.net.InetAddress.getByAddress(raw).getHostAddress();
        } catch (IOException | IllegalArgumentException e) {
            return value;
        }
    }

    private static boolean validFor(X509Certificate cert, Duration margin) {
        try {
            cert.checkValidity(Date.from(Instant.now().plus(margin)));
            cert.checkValidity();
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static KeyPair newKeyPair() throws IOException {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot make an EC key: " + e.getMessage(), e);
        }
    }

    private static JcaX509ExtensionUtils extensionUtils() throws IOException {
        try {
            return new JcaX509ExtensionUtils();
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    private static X509Certificate sign(JcaX509v3CertificateBuilder builder, PrivateKey key) throws IOException {
        try {
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
        } catch (OperatorCreationException | GeneralSecurityException e) {
            throw new IOException("cannot sign a certificate: " + e.getMessage(), e);
        }
    }

    private static BigInteger serial() {
        return new BigInteger(1, randomBytes(16));
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    static X509Certificate readCertificate(Path file) throws IOException, GeneralSecurityException {
        try (var in = Files.newInputStream(file)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static PrivateKey readKey(Path file) throws IOException, GeneralSecurityException {
        String pem = Files.readString(file, StandardCharsets.US_ASCII);
        String body = pem.replace("-----BEGIN PRIVATE KEY-----", "").replace("-----END PRIVATE KEY-----", "")
                .replaceAll("\\s", "");
        return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder()
                .decode(body)));
    }

    private static void writeCertificate(Path file, X509Certificate cert) throws IOException {
        try {
            writeAtomically(file, pem("CERTIFICATE", cert.getEncoded()), "rw-r--r--");
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    private static void writeKey(Path file, PrivateKey key) throws IOException {
        // PKCS#8 ("PRIVATE KEY"): what both grpc-java's Netty client and Vert.x read.
        writeAtomically(file, pem("PRIVATE KEY", key.getEncoded()), "rw-------");
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static void writeAtomically(Path file, String content, String permissions) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp);
        ownerOnly(tmp, permissions);
        Files.writeString(tmp, content, StandardCharsets.US_ASCII);
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void ownerOnly(Path path, String permissions) throws IOException {
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system: the directory's own protection is all there is.
        }
    }

    private interface Work<T> {
        T run() throws IOException;
    }

    /* A string literal is interned: one monitor in the JVM, even when test frameworks load this class twice. */
    private static final String LOCK = "dev.mailplatform.localplatform.CertificateAuthority";

    /** One writer per directory, across threads (the monitor) and processes (the file lock). */
    private static <T> T locked(Path dir, Work<T> work) throws IOException {
        synchronized (LOCK) {
            try (FileChannel ch = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE); FileLock lock = ch.lock()) {
                return work.run();
            }
        }
    }
}
