package dev.mailplatform.store.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mailplatform.localplatform.CertificateAuthority;
import dev.mailplatform.store.v1.Account;
import dev.mailplatform.store.v1.AccountServiceGrpc;
import dev.mailplatform.store.v1.AuthResult;
import dev.mailplatform.store.v1.AuthenticateRequest;
import dev.mailplatform.testkit.TestCertificates;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.handler.ssl.SslContextBuilder;
import io.quarkus.test.junit.QuarkusTest;
import java.util.concurrent.TimeUnit;
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

    private static dev.mailplatform.store.v1.AuthenticateResponse authenticate(ManagedChannel ch, Account a) {
        return AccountServiceGrpc.newBlockingStub(ch).withDeadlineAfter(20, TimeUnit.SECONDS).authenticate(
                AuthenticateRequest.newBuilder().setUsername(a.getAddress()).setPassword(PASSWORD)
                        .setRemoteIp("127.0.0.1").build());
    }
}
