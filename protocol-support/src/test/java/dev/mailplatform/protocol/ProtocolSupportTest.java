package dev.mailplatform.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Metadata;
import io.grpc.Status;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PfxOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProtocolSupportTest {

    @Test
    void saslPlainDecodesAllThreePartsAndRejectsMalformedInput() throws Exception {
        var c = SaslPlain.decode(SaslPlain.encodeBase64("admin\0alice@example.test\0pässword"));
        assertEquals("admin", c.authzid());
        assertEquals("alice@example.test", c.authcid());
        assertEquals("pässword", c.password());
        assertFalse(c.toString().contains("pässword"), "the password never reaches a log through toString");
        assertEquals("", SaslPlain.decode(SaslPlain.encodeBase64("\0bob\0x")).authzid());
        assertThrows(SaslPlain.MalformedException.class, () -> SaslPlain.decode("not base64!"));
        assertThrows(SaslPlain.MalformedException.class, () -> SaslPlain.decode(SaslPlain.encodeBase64("bob\0x")));
        assertThrows(SaslPlain.MalformedException.class, () -> SaslPlain.decode(SaslPlain.encodeBase64("\0\0x")));
        assertThrows(SaslPlain.MalformedException.class,
                () -> SaslPlain.decode(SaslPlain.encodeBase64("a\0b\0c\0d")));
    }

    @Test
    void plaintextIsAllowedOverTlsOnLoopbackOrWhenConfigured() {
        PlaintextAuthPolicy strict = new PlaintextAuthPolicy(false, true);
        assertTrue(strict.allowed(true, "192.0.2.7"));
        assertTrue(strict.allowed(false, "127.0.0.1"));
        assertTrue(strict.allowed(false, "127.10.0.3"));
        assertTrue(strict.allowed(false, "::1"));
        assertTrue(strict.allowed(false, "::ffff:127.0.0.1"));
        assertFalse(strict.allowed(false, "192.0.2.7"));
        assertFalse(strict.allowed(false, "127.example.org"));
        assertFalse(strict.allowed(false, null));
        assertTrue(new PlaintextAuthPolicy(true, false).allowed(false, "192.0.2.7"));
        PlaintextAuthPolicy behindProxy = new PlaintextAuthPolicy(false, false);
        assertFalse(behindProxy.allowed(false, "127.0.0.1"), "a local proxy makes every client look local");
        assertTrue(behindProxy.allowed(true, "127.0.0.1"));
    }

    @Test
    void connectionLimitsCountPerKeyAndReleaseOnce() {
        ConnectionLimits limits = new ConnectionLimits(2, 1);
        var a = limits.tryConnect("10.0.0.1");
        var b = limits.tryConnect("10.0.0.1");
        assertNotNull(a);
        assertNotNull(b);
        assertNull(limits.tryConnect("10.0.0.1"), "the third connection from one IP is refused");
        assertNotNull(limits.tryConnect("10.0.0.2"), "another IP is counted apart");
        a.close();
        a.close();
        assertEquals(1, limits.connectionsFrom("10.0.0.1"), "closing twice releases once");
        assertNotNull(limits.tryConnect("10.0.0.1"));
        var s = limits.tryLogin("Alice@Example.test");
        assertNotNull(s);
        assertNull(limits.tryLogin("alice@example.test"), "accounts compare case-insensitively");
        s.close();
        assertEquals(0, limits.sessionsOf("alice@example.test"));
        ConnectionLimits unlimited = new ConnectionLimits(0, 0);
        for (int i = 0; i < 1000; i++) {
            assertNotNull(unlimited.tryConnect("10.0.0.1"));
        }
    }

    @Test
    void storeFailuresMapFromGrpcStatus() {
        assertEquals(StoreFailure.NONEXISTENT, StoreFailure.of(Status.NOT_FOUND.asRuntimeException()));
        assertEquals(StoreFailure.UNAVAILABLE, StoreFailure.of(new RuntimeException(
                Status.UNAVAILABLE.asRuntimeException())));
        assertEquals(StoreFailure.IN_USE, StoreFailure.of(Status.ABORTED.asException()));
        Metadata quota = new Metadata();
        quota.put(Metadata.Key.of("x-quota-resource", Metadata.ASCII_STRING_MARSHALLER), "STORAGE");
        assertEquals(StoreFailure.OVER_QUOTA, StoreFailure.of(Status.RESOURCE_EXHAUSTED.asRuntimeException(quota)));
        assertEquals(StoreFailure.TOO_BIG, StoreFailure.of(Status.RESOURCE_EXHAUSTED.asRuntimeException()));
        assertEquals(StoreFailure.SERVER_BUG, StoreFailure.of(new NullPointerException()));
        assertEquals(StoreFailure.SERVER_BUG, StoreFailure.of(Status.INTERNAL.asRuntimeException()));
        assertEquals("no such mailbox",
                StoreFailure.message(Status.NOT_FOUND.withDescription("no such mailbox").asRuntimeException()));
    }

    @Test
    void aGoneMessageIsToldFromAMissingPartByItsTrailer() {
        Metadata gone = new Metadata();
        gone.put(Metadata.Key.of("x-missing", Metadata.ASCII_STRING_MARSHALLER), "message");
        assertTrue(StoreFailure.missingMessage(new RuntimeException(Status.NOT_FOUND.asRuntimeException(gone))));
        assertTrue(StoreFailure.missingMessage(Status.NOT_FOUND.asException(gone)));
        assertFalse(StoreFailure.missingMessage(Status.NOT_FOUND.asRuntimeException()), "a missing part");
        assertFalse(StoreFailure.missingMessage(Status.INVALID_ARGUMENT.asRuntimeException(gone)));
        assertFalse(StoreFailure.missingMessage(new NullPointerException()));
        assertEquals(StoreFailure.NONEXISTENT, StoreFailure.of(Status.NOT_FOUND.asRuntimeException(gone)));
    }

    @Test
    void tlsMaterialLoadsAKeystoreOrPemAndRefusesHalfConfigurations(@TempDir Path dir) throws Exception {
        Path p12 = SelfSignedKeystore.ensure(dir.resolve("tls/server.p12"), "changeit");
        long made = Files.getLastModifiedTime(p12).toMillis();
        assertEquals(p12, SelfSignedKeystore.ensure(p12, "changeit"));
        assertEquals(made, Files.getLastModifiedTime(p12).toMillis(), "an existing keystore is kept");
        var options = TlsMaterial.serverOptions(TlsSettings.pkcs12(p12, "changeit"), true);
        assertTrue(options.isSsl());
        assertInstanceOf(PfxOptions.class, options.getKeyCertOptions());
        assertFalse(TlsMaterial.serverOptions(TlsSettings.pkcs12(p12, "changeit"), false).isSsl());
        assertFalse(options.getEnabledSecureTransportProtocols().contains("TLSv1"));

        // A random password may begin with "-J", which keytool's launcher would take for a JVM option.
        Path dashed = SelfSignedKeystore.ensure(dir.resolve("tls/dashed.p12"), "-JE5VOSoGNQKM7tuO-GWPnd9");
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(dashed)) {
            ks.load(in, "-JE5VOSoGNQKM7tuO-GWPnd9".toCharArray());
        }
        assertTrue(ks.isKeyEntry("mail"), "the keystore opens with the password it was made with");

        Path cert = Files.writeString(dir.resolve("c.pem"), "-----BEGIN CERTIFICATE-----\n");
        Path key = Files.writeString(dir.resolve("k.pem"), "-----BEGIN PRIVATE KEY-----\n");
        assertInstanceOf(PemKeyCertOptions.class, TlsMaterial.keyCertOptions(TlsSettings.pem(cert, key)));
        assertTrue(TlsSettings.of(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()).isEmpty());
        assertThrows(IllegalArgumentException.class,
                () -> TlsSettings.of(Optional.of(cert), Optional.empty(), Optional.empty(), Optional.empty()));
        assertThrows(IllegalArgumentException.class,
                () -> TlsSettings.of(Optional.of(cert), Optional.of(key), Optional.of(p12), Optional.empty()));
        assertThrows(IllegalArgumentException.class, () -> TlsSettings.pkcs12(dir.resolve("missing.p12"), "x"));
    }

    /** Hardening item 15: the instance's connection cap holds at its edge, before the per-IP one, and frees. */
    @Test
    void theInstanceCapHoldsAtItsEdgeAcrossIps() {
        ConnectionLimits limits = new ConnectionLimits(3, 2, 0);
        ConnectionLimits.Permit a1 = limits.admit("10.0.0.1").permit();
        ConnectionLimits.Permit a2 = limits.admit("10.0.0.1").permit();
        assertEquals(ConnectionLimits.Refusal.IP, limits.admit("10.0.0.1").refusal());
        ConnectionLimits.Permit b1 = limits.admit("10.0.0.2").permit();
        assertNotNull(b1);
        ConnectionLimits.Admission full = limits.admit("10.0.0.3");
        assertEquals(ConnectionLimits.Refusal.INSTANCE, full.refusal());
        assertNull(full.permit());
        a1.close();
        a1.close(); // once only
        assertNotNull(limits.admit("10.0.0.3").permit());
        assertEquals(ConnectionLimits.Refusal.INSTANCE, limits.admit("10.0.0.4").refusal());
        assertEquals(1, limits.connectionsFrom("10.0.0.1"));
        a2.close();
        b1.close();
    }

    /** Hardening item 6: every store call gets a deadline, by the pace that governs it; Watch none. */
    @Test
    void storeCallsGetTheirDeadlines() {
        StoreDeadlines deadlines = new StoreDeadlines(java.time.Duration.ofSeconds(30), java.time.Duration.ofHours(1));
        java.util.Map<String, io.grpc.CallOptions> seen = new java.util.HashMap<>();
        io.grpc.Channel next = new io.grpc.Channel() {
            @Override
            public <Q, R> io.grpc.ClientCall<Q, R> newCall(io.grpc.MethodDescriptor<Q, R> m, io.grpc.CallOptions o) {
                seen.put(m.getBareMethodName(), o);
                return null;
            }

            @Override
            public String authority() {
                return "store";
            }
        };
        for (String name : new String[] {"GetStatus", "GetChanges", "FetchContent", "Append", "Watch"}) {
            deadlines.interceptCall(method(name), io.grpc.CallOptions.DEFAULT, next);
        }
        deadlines.interceptCall(method("Select"), io.grpc.CallOptions.DEFAULT.withDeadlineAfter(5,
                java.util.concurrent.TimeUnit.SECONDS), next);
        long s = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);
        assertTrue(seen.get("GetStatus").getDeadline().timeRemaining(java.util.concurrent.TimeUnit.NANOSECONDS) <= 30 * s);
        assertTrue(seen.get("GetChanges").getDeadline().timeRemaining(java.util.concurrent.TimeUnit.NANOSECONDS) <= 30 * s);
        assertTrue(seen.get("FetchContent").getDeadline().timeRemaining(java.util.concurrent.TimeUnit.NANOSECONDS) > 30 * s);
        assertTrue(seen.get("Append").getDeadline().timeRemaining(java.util.concurrent.TimeUnit.NANOSECONDS) > 30 * s);
        assertNull(seen.get("Watch").getDeadline());
        assertTrue(seen.get("Select").getDeadline().timeRemaining(java.util.concurrent.TimeUnit.NANOSECONDS) <= 5 * s,
                "a deadline of the caller's own is kept");
    }

    private static io.grpc.MethodDescriptor<byte[], byte[]> method(String name) {
        io.grpc.MethodDescriptor.Marshaller<byte[]> m = new io.grpc.MethodDescriptor.Marshaller<>() {
            @Override
            public java.io.InputStream stream(byte[] value) {
                return new java.io.ByteArrayInputStream(value);
            }

            @Override
            public byte[] parse(java.io.InputStream stream) {
                return new byte[0];
            }
        };
        return io.grpc.MethodDescriptor.<byte[], byte[]>newBuilder().setType(io.grpc.MethodDescriptor.MethodType.UNARY)
                .setFullMethodName("mail.store.v1.S/" + name).setRequestMarshaller(m).setResponseMarshaller(m).build();
    }
}
