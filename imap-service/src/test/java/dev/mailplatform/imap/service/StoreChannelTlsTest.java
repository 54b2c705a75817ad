package dev.mailplatform.imap.service;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailplatform.store.v1.AccountServiceGrpc;
import dev.mailplatform.testkit.StoreTestClient;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslSession;
import io.quarkus.test.junit.QuarkusTest;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.Test;

/**
 * The service's channel to the store (built by Quarkus, checked by StoreChannelTls) runs mutual TLS on OpenSSL
 * (netty-tcnative's BoringSSL), not on the JDK's SSLEngine: the TLS session of a real call says which engine ran it.
 */
@QuarkusTest
class StoreChannelTlsTest extends ImapTestBase {

    @Test
    void theStoreChannelRunsMutualTlsOnOpenSsl() throws Exception {
        assertTrue(OpenSsl.isAvailable(), "netty-tcnative did not load: " + OpenSsl.unavailabilityCause());
        AtomicReference<SSLSession> session = new AtomicReference<>();
        Channel recorded = ClientInterceptors.intercept(accounts.getChannel(), recordSession(session));
        StoreTestClient.newAccount(AccountServiceGrpc.newBlockingStub(recorded), "tls", PASSWORD);
        SSLSession s = session.get();
        assertNotNull(s, "the store channel carried no TLS session");
        assertInstanceOf(OpenSslSession.class, s, "engine: " + s.getClass().getName());
        assertTrue(s.getPeerCertificates().length > 0, "the store presented no certificate");
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
}
