package dev.mailplatform.localplatform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SignatureException;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateAuthorityTest {

    @TempDir
    Path tmp;

    @Test
    void issuesServerAndClientCertificatesAndReusesThem() throws Exception {
        CertificateAuthority ca = CertificateAuthority.open(tmp.resolve("ca"));
        assertTrue(ca.created());
        X509Certificate root = CertificateAuthority.readCertificate(ca.certificate());
        assertEquals(0, root.getBasicConstraints(), "a CA that issues end-entity certificates only");

        CertificateAuthority.Issued server = ca.server("store", List.of("localhost", "store-service"),
                List.of("127.0.0.1"));
        CertificateAuthority.Issued client = ca.client("imap");
        assertTrue(server.created() && client.created());
        X509Certificate s = CertificateAuthority.readCertificate(server.certificate());
        X509Certificate c = CertificateAuthority.readCertificate(client.certificate());
        s.verify(root.getPublicKey());
        c.verify(root.getPublicKey());
        assertEquals(-1, s.getBasicConstraints());
        assertEquals(List.of("1.3.6.1.5.5.7.3.1"), s.getExtendedKeyUsage(), "server authentication only");
        assertEquals(List.of("1.3.6.1.5.5.7.3.2"), c.getExtendedKeyUsage(), "client authentication only");
        assertEquals("[[2, localhost], [2, store-service], [7, 127.0.0.1]]",
                s.getSubjectAlternativeNames().toString());
        assertTrue(Files.readString(server.privateKey()).startsWith("-----BEGIN PRIVATE KEY-----"));

        // A second start finds everything and changes nothing.
        byte[] serverBytes = Files.readAllBytes(server.certificate());
        CertificateAuthority again = CertificateAuthority.open(tmp.resolve("ca"));
        assertFalse(again.created());
        CertificateAuthority.Issued sameServer = again.server("store", List.of("localhost", "store-service"),
                List.of("127.0.0.1"));
        assertFalse(sameServer.created());
        assertFalse(again.client("imap").created());
        assertArrayEquals(serverBytes, Files.readAllBytes(server.certificate()));

        // Other names: a new certificate.
        assertTrue(again.server("store", List.of("localhost"), List.of("127.0.0.1")).created());
    }

    @Test
    void certificatesOfAnotherCaAreReissued() throws Exception {
        CertificateAuthority first = CertificateAuthority.open(tmp.resolve("ca"));
        first.client("imap");
        Files.delete(first.certificate());
        CertificateAuthority second = CertificateAuthority.open(tmp.resolve("ca"));
        assertTrue(second.created(), "a CA without its certificate is made anew");
        X509Certificate oldClient = CertificateAuthority.readCertificate(tmp.resolve("ca/imap.pem"));
        X509Certificate newRoot = CertificateAuthority.readCertificate(second.certificate());
        assertThrows(SignatureException.class, () -> oldClient.verify(newRoot.getPublicKey()));
        assertTrue(second.client("imap").created());
        CertificateAuthority.readCertificate(tmp.resolve("ca/imap.pem")).verify(newRoot.getPublicKey());
    }
}
