package dev.mailplatform.imap.service;

import dev.mailplatform.store.v1.FetchMetadataRequest;
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

/** Counts the front end's GetChanges and FetchMetadata calls per account, so a test sees its own sessions' calls. */
@ApplicationScoped
@GlobalInterceptor
public class StoreCallCounter implements ClientInterceptor {

    private static final Map<String, AtomicInteger> CALLS = new ConcurrentHashMap<>();

    /** Calls of this method ("GetChanges", "FetchMetadata") made so far for mailboxes of this account. */
    static int of(long accountId, String method) {
        AtomicInteger n = CALLS.get(accountId + "/" + method);
        return n == null ? 0 : n.get();
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        ClientCall<Q, R> call = next.newCall(method, options);
        String name = method.getBareMethodName();
        if (!"GetChanges".equals(name) && !"FetchMetadata".equals(name)) {
            return call;
        }
        return new ForwardingClientCall.SimpleForwardingClientCall<>(call) {
            @Override
            public void sendMessage(Q message) {
                long account = message instanceof GetChangesRequest r ? r.getMailbox().getAccountId()
                        : message instanceof FetchMetadataRequest r ? r.getMailbox().getAccountId() : -1;
                CALLS.computeIfAbsent(account + "/" + name, k -> new AtomicInteger()).incrementAndGet();
                super.sendMessage(message);
            }
        };
    }
}
