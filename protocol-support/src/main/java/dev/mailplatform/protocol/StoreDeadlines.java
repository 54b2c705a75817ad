package dev.mailplatform.protocol;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.MethodDescriptor;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Gives every store call that has none a deadline, so that a hung store turns into "try later" instead of a session
 * waiting for ever: the calls whose pace a client's reading or sending sets (message content, FETCH metadata, APPEND)
 * the long one, which a slow client's transfer must fit in; every other call, streamed or not (SELECT's snapshot,
 * GetChanges, a POP3 login), the short one. Watch, the change subscription that lives as long as a session, has none.
 */
public final class StoreDeadlines implements ClientInterceptor {

    private static final java.util.Set<String> CLIENT_PACED = java.util.Set.of("FetchContent", "FetchMessages",
            "FetchMetadata", "Append");

    private final long unaryMillis;
    private final long streamMillis;

    public StoreDeadlines(Duration unary, Duration stream) {
        if (unary.isNegative() || unary.isZero() || stream.isNegative() || stream.isZero()) {
            throw new IllegalArgumentException("store call timeouts must be positive");
        }
        this.unaryMillis = unary.toMillis();
        this.streamMillis = stream.toMillis();
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        if (options.getDeadline() != null || "Watch".equals(method.getBareMethodName())) {
            return next.newCall(method, options);
        }
        long ms = CLIENT_PACED.contains(method.getBareMethodName()) ? streamMillis : unaryMillis;
        return next.newCall(method, options.withDeadlineAfter(ms, TimeUnit.MILLISECONDS));
    }
}
