package dev.mailplatform.imap.service;

import dev.mailplatform.store.v1.GetChangesRequest;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.MethodDescriptor;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts the front end's GetChanges calls per account, so a test sees its own sessions' calls only. */
@ApplicationScoped
@GlobalInterceptor
public class GetChangesCounter implements ClientInterceptor {

    private static final Map<Long, AtomicInteger> CALLS = new ConcurrentHashMap<>();

    /** GetChanges calls made so far for mailboxes of this account. */
    static int of(long accountId) {
        AtomicInteger n = CALLS.get(accountId);
        return n == null ? 0 : n.get();
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        ClientCall<Q, R> call = next.newCall(method, options);
        if (!"GetChanges".equals(method.getBareMethodName())) {
            return call;
        }
        return new ForwardingClientCall.SimpleForwardingClientCall<>(call) {
            @Override
            public void sendMessage(Q message) {
                if (message instanceof GetChangesRequest r) {
                    CALLS.computeIfAbsent(r.getMailbox().getAccountId(), k -> new AtomicInteger()).incrementAndGet();
                }
                super.sendMessage(message);
            }
        };
    }
}
