package dev.mailplatform.store.grpc;

import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLSession;

/**
 * Test only: remembers the server side's TLS session of each call that carries a {@link #PROBE} header, so a test can
 * see which engine the store's gRPC server really ran (the session's class), not which one it meant to.
 */
@GlobalInterceptor
@ApplicationScoped
public class TlsSessionProbe implements ServerInterceptor {

    public static final Metadata.Key<String> PROBE = Metadata.Key.of("x-test-tls-probe",
            Metadata.ASCII_STRING_MARSHALLER);

    private static final Map<String, SSLSession> SESSIONS = new ConcurrentHashMap<>();

    public static SSLSession session(String probe) {
        return SESSIONS.get(probe);
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        String probe = headers.get(PROBE);
        if (probe != null) {
            SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
            if (session != null) {
                SESSIONS.put(probe, session);
            }
        }
        return next.startCall(call, headers);
    }
}
