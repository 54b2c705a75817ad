package dev.mailplatform.lmtp.store;

import dev.mailplatform.lmtp.config.LmtpConfig;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.MethodDescriptor;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.TimeUnit;

/**
 * A deadline on every store call, so a hung store becomes 451 4.3.0 instead of an MTA waiting for ever: Deliver,
 * whose pace the MTA's sending sets, the long one (mail.lmtp.store-stream-timeout); the RCPT check the short one.
 */
@ApplicationScoped
@GlobalInterceptor
public class StoreCallDeadlines implements ClientInterceptor {

    private final long unaryMillis;
    private final long streamMillis;

    public StoreCallDeadlines(LmtpConfig config) {
        this.unaryMillis = config.storeCallTimeout().toMillis();
        this.streamMillis = config.storeStreamTimeout().toMillis();
        if (unaryMillis <= 0 || streamMillis <= 0) {
            throw new IllegalArgumentException("store call timeouts must be positive");
        }
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        if (options.getDeadline() != null) {
            return next.newCall(method, options);
        }
        long ms = "Deliver".equals(method.getBareMethodName()) ? streamMillis : unaryMillis;
        return next.newCall(method, options.withDeadlineAfter(ms, TimeUnit.MILLISECONDS));
    }
}
