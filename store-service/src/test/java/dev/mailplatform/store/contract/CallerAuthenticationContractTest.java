package dev.mailplatform.store.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailplatform.localplatform.CertificateAuthority;
import dev.mailplatform.store.v1.Account;
import dev.mailplatform.store.v1.AccountServiceGrpc;
import dev.mailplatform.store.v1.AuthResult;
import dev.mailplatform.store.v1.AuthenticateRequest;
import dev.mailplatform.store.grpc.TlsSessionProbe;
import dev.mailplatform.testkit.TestCertificates;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslSession;
import io.netty.handler.ssl.SslContextBuilder;
import io.quarkus.test.junit.QuarkusTest;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLSession;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * The gRPC API authenticates its callers by mutual TLS: only a client certificate issued by the configured CA gets
 * a call through. Every refused caller below would otherwise have checked a password, the cheapest thing to ask.
 */
@QuarkusTest
class CallerAuthenticationContractTest extends StoreContract {

    private static int port() {
        return ConfigProvider.getConfig().getValue("quarkus.grpc.clients.store.port", Integer.class);
    }

    @Test
    void aCallerWithACertificateFromTheCaIsServed() {
        Account a = newAccount();
        ManagedChannel ch = TestCertificates.channel("127.0.0.1", port()).build();
        try {
            assertEquals(AuthResult.AUTH_OK, authenticate(ch, a).getResult());
        } finally {
            ch.shutdownNow();
        }
    }

    /**
     * Both ends run TLS on OpenSSL (netty-tcnative's BoringSSL), not the JDK's SSLEngine, which was a large share of
     * the link's CPU: the sessions of one real call, as the store's gRPC server and the caller saw them.
     */
    @Test
    void theLinkRunsMutualTlsOnOpenSslAtBothEnds() throws Exception {
        assertTrue(OpenSsl.isAvailable(), "netty-tcnative did not load: " + OpenSsl.unavailabilityCause());
        Account a = newAccount();
        String probe = UUID.randomUUID().toString();
        Metadata headers = new Metadata();
        headers.put(TlsSessionProbe.PROBE, probe);
        AtomicReference<SSLSession> caller = new AtomicReference<>();
        ManagedChannel ch = TestCertificates.channel("127.0.0.1", port()).build();
        try {
            Channel probed = ClientInterceptors.intercept(ch, recordSession(caller),
                    MetadataUtils.newAttachHeadersInterceptor(headers));
            assertEquals(AuthResult.AUTH_OK, authenticate(probed, a).getResult());
        } finally {
            ch.shutdownNow();
        }
        SSLSession server = TlsSessionProbe.session(probe);
        assertNotNull(server, "the store's gRPC server saw no TLS session");
        assertInstanceOf(OpenSslSession.class, server, "server engine: " + server.getClass().getName());
        assertNotNull(caller.get(), "the caller saw no TLS session");
        assertInstanceOf(OpenSslSession.class, caller.get(), "caller engine: " + caller.get().getClass().getName());
        // Still mutual: the server holds the caller's certificate, issued by the test CA.
        X509Certificate presented = (X509Certificate) server.getPeerCertificates()[0];
        X509Certificate ca;
        try (InputStream in = Files.newInputStream(TestCertificates.ca().certificate())) {
            ca = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        presented.verify(ca.getPublicKey());
    }

    /** Host names are still checked on OpenSSL: a store certificate for localhost does not pass for another host. */
    @Test
    void aStoreCertificateForAnotherHostIsRefusedByTheCaller() {
        assertRefused(TestCertificates.channel("127.0.0.1", port()).overrideAuthority("store.elsewhere.test")
                .build());
    }

    private static ClientInterceptor recordSession(AtomicReference<SSLSession> session) {
        return new ClientInterceptor() {
            @Override
            public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options,
                    Channel next) {
                ClientCall<Q, R> call = next.newCall(method, options);
                return new ForwardingClientCall.SimpleForwardingClientCall<>(call) {
                    @Override
                    public void start(Listener<R> listener, Metadata headers) {
                        super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                            @Override
                            public void onHeaders(Metadata received) {
                                session.set(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
                                super.onHeaders(received);
                            }
                        }, headers);
                    }
                };
            }
        };
    }

    @Test
    void aPlaintextCallerIsRefused() {
        assertRefused(NettyChannelBuilder.forAddress("127.0.0.1", port()).usePlaintext().build());
    }

    @Test
    void aCallerWithoutACertificateIsRefused() throws Exception {
        CertificateAuthority ca = TestCertificates.ca();
        assertRefused(NettyChannelBuilder.forAddress("127.0.0.1", port())
                .sslContext(GrpcSslContexts.forClient().trustManager(ca.certificate().toFile()).build()).build());
    }

    @Test
    void aCallerWithACertificateFromAnotherCaIsRefused() throws Exception {
        CertificateAuthority.Issued foreign = TestCertificates.client(TestCertificates.foreignCa());
        SslContextBuilder tls = GrpcSslContexts.forClient().trustManager(TestCertificates.ca().certificate().toFile())
                .keyManager(foreign.certificate().toFile(), foreign.privateKey().toFile());
        assertRefused(NettyChannelBuilder.forAddress("127.0.0.1", port()).sslContext(tls.build()).build());
    }

    /** The store's own certificate is for serving only (extended key usage): it does not open the API as a caller. */
    @Test
    void aServerCertificateFromTheCaIsNoCallerCertificate() throws Exception {
        CertificateAuthority ca = TestCertificates.ca();
        CertificateAuthority.Issued store = TestCertificates.store(ca);
        SslContextBuilder tls = GrpcSslContexts.forClient().trustManager(ca.certificate().toFile())
                .keyManager(store.certificate().toFile(), store.privateKey().toFile());
        assertRefused(NettyChannelBuilder.forAddress("127.0.0.1", port()).sslContext(tls.build()).build());
    }

    private void assertRefused(ManagedChannel ch) {
        Account a = newAccount();
        try {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> authenticate(ch, a));
            assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.toString());
        } finally {
            ch.shutdownNow();
        }
    }

    private static dev.mailplatform.store.v1.AuthenticateResponse authenticate(Channel ch, Account a) {
        return AccountServiceGrpc.newBlockingStub(ch).withDeadlineAfter(20, TimeUnit.SECONDS).authenticate(
                AuthenticateRequest.newBuilder().setUsername(a.getAddress()).setPassword(PASSWORD)
                        .setRemoteIp("127.0.0.1").build());
    }
}
