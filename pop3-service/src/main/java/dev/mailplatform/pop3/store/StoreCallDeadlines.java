package dev.mailplatform.pop3.store;

import dev.mailplatform.pop3.config.Pop3Config;
import dev.mailplatform.protocol.StoreDeadlines;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.MethodDescriptor;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;

/** {@link StoreDeadlines} on every store call of this front end (mail.pop3.store-call-timeout, -stream-timeout). */
@ApplicationScoped
@GlobalInterceptor
public class StoreCallDeadlines implements ClientInterceptor {

    private final StoreDeadlines deadlines;

    public StoreCallDeadlines(Pop3Config config) {
        this.deadlines = new StoreDeadlines(config.storeCallTimeout(), config.storeStreamTimeout());
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        return deadlines.interceptCall(method, options, next);
    }
}
