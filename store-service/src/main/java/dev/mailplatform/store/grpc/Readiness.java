package dev.mailplatform.store.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.quarkus.grpc.GlobalInterceptor;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Whether a call's transport can take another response now. Quarkus's Mutiny server stubs subscribe to a response
 * stream with unbounded demand and never ask the transport, so a stream would read everything it covers (a 50 MB
 * message, a whole mailbox's pages) into the outbound buffer as fast as S3 and PostgreSQL give it, whatever the
 * client reads. {@link Offload#pages} asks this before each page instead: a slow reader holds the store to its HTTP/2
 * flow-control window plus grpc-java's 32 KiB ready threshold and one page.
 *
 * <p>The interceptor puts each call's readiness in its gRPC {@link Context}; a service method takes it with
 * {@link #current()} on entry, on the thread gRPC called it on.
 */
final class Readiness {

    private static final Context.Key<Readiness> KEY = Context.key("mail-store-readiness");
    /** For calls made without the interceptor (none on the server; kept so that a missing one cannot hang a stream). */
    private static final Readiness ALWAYS = new Readiness(null);

    private final ServerCall<?, ?> call;
    private final AtomicReference<Runnable> waiter = new AtomicReference<>();

    private Readiness(ServerCall<?, ?> call) {
        this.call = call;
    }

    static Readiness current() {
        Readiness r = KEY.get();
        return r == null ? ALWAYS : r;
    }

    /** Whether the transport can take another response now. */
    boolean isReady() {
        return call == null || call.isReady();
    }

    /** Completes when the transport is ready for another response: at once, or on the call's next onReady. */
    Uni<Void> await() {
        if (call == null || call.isReady()) {
            return Uni.createFrom().voidItem();
        }
        return Uni.createFrom().emitter(e -> {
            Runnable mine = () -> e.complete(null);
            waiter.set(mine);
            // Only its own: this wait may end after the next one has begun (a cancelled one clears itself).
            e.onTermination(() -> waiter.compareAndSet(mine, null));
            // onReady may have come between the check above and the registration.
            if (call.isReady()) {
                wake();
            }
        });
    }

    private void wake() {
        Runnable w = waiter.getAndSet(null);
        if (w != null) {
            w.run();
        }
    }

    @ApplicationScoped
    @GlobalInterceptor
    static class Interceptor implements ServerInterceptor {

        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                ServerCallHandler<Q, R> next) {
            Readiness readiness = new Readiness(call);
            ServerCall.Listener<Q> listener = Contexts.interceptCall(Context.current().withValue(KEY, readiness), call,
                    headers, next);
            return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
                @Override
                public void onReady() {
                    readiness.wake();
                    super.onReady();
                }
            };
        }
    }
}
