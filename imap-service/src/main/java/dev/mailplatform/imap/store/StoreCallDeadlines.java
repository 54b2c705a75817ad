package dev.mailplatform.imap.store;

import dev.mailplatform.imap.config.ImapConfig;
import dev.mailplatform.protocol.StoreDeadlines;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.MethodDescriptor;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;

/** {@link StoreDeadlines} on every store call of this front end (mail.imap.store-call-timeout, -stream-timeout). */
@ApplicationScoped
@GlobalInterceptor
public class StoreCallDeadlines implements ClientInterceptor {

    private final StoreDeadlines deadlines;

    public StoreCallDeadlines(ImapConfig config) {
        this.deadlines = new StoreDeadlines(config.storeCallTimeout(), config.storeStreamTimeout());
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        return deadlines.interceptCall(method, options, next);
    }
}
