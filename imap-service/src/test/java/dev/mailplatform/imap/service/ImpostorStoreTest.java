package dev.mailplatform.imap.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailplatform.localplatform.CertificateAuthority;
import dev.mailplatform.testkit.TestCertificates;
import io.grpc.Attributes;
import io.grpc.HandlerRegistry;
import io.grpc.Server;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerTransportFilter;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyServerBuilder;
import io.netty.handler.ssl.DelegatingSslContext;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The front end talks only to a store whose certificate comes from its CA. Here its store address leads to an
 * impostor: a gRPC server like the store, with a valid certificate for 127.0.0.1, but from another CA. The front
 * end must give up in the TLS handshake, before a single call (a LOGIN would hand it a password).
 */
@QuarkusTest
@TestProfile(ImpostorStoreTest.Impostor.class)
class ImpostorStoreTest extends ImapTestBase {

    static Server impostor;
    static final AtomicInteger handshakes = new AtomicInteger();
    static final AtomicInteger transportsReady = new AtomicInteger();
    static final AtomicInteger calls = new AtomicInteger();

    public static class Impostor implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                if (impostor == null) {
                    impostor = start();
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return Map.of("quarkus.grpc.clients.store.port", String.valueOf(impostor.getPort()),
                    "quarkus.grpc.clients.store.test-port", String.valueOf(impostor.getPort()));
        }
    }

    static Server start() throws IOException {
        CertificateAuthority.Issued cert = TestCertificates.store(TestCertificates.foreignCa());
        var tls = new DelegatingSslContext(GrpcSslContexts.forServer(cert.certificate().toFile(),
                cert.privateKey().toFile()).build()) {
            @Override
            protected void initEngine(SSLEngine engine) {
                handshakes.incrementAndGet();
            }
        };
        return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).sslContext(tls)
                .addTransportFilter(new ServerTransportFilter() {
                    @Override
                    public Attributes transportReady(Attributes attributes) {
                        transportsReady.incrementAndGet();
                        return attributes;
                    }
                })
                .fallbackHandlerRegistry(new HandlerRegistry() {
                    @Override
                    public ServerMethodDefinition<?, ?> lookupMethod(String method, String authority) {
                        calls.incrementAndGet();
                        return null;
                    }
                })
                .build().start();
    }

    @AfterAll
    static void stopImpostor() {
        if (impostor != null) {
            impostor.shutdownNow();
        }
    }

    @Test
    void aStoreWithACertificateFromAnotherCaGetsNoCall() throws Exception {
        try (ImapClient c = connect()) {
            List<String> login = c.command("LOGIN someone@example.test some-password");
            assertTrue(login.get(0).startsWith("t1 NO [UNAVAILABLE]"), login.toString());
        }
        assertTrue(handshakes.get() > 0, "the front end reached the impostor");
        assertEquals(0, transportsReady.get(), "a TLS session with the impostor");
        assertEquals(0, calls.get(), "a call reached the impostor");
    }
}
