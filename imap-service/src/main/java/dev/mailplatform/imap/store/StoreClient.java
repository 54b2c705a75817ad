package dev.mailplatform.imap.store;

import dev.mailplatform.store.v1.MessageServiceGrpc;
import dev.mailplatform.store.v1.MutinyAccountServiceGrpc;
import dev.mailplatform.store.v1.MutinyMailboxServiceGrpc;
import dev.mailplatform.store.v1.MutinyMessageServiceGrpc;
import dev.mailplatform.store.v1.MutinyQuotaServiceGrpc;
import io.grpc.Channel;
import io.quarkus.grpc.GrpcClient;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The store's gRPC API as the IMAP handlers use it. Replies arrive on gRPC threads: sessions hop back onto their
 * own Vert.x context ({@code ImapSession.executor()}) before touching session state.
 */
@ApplicationScoped
public class StoreClient {

    @GrpcClient("store")
    MutinyAccountServiceGrpc.MutinyAccountServiceStub accounts;

    @GrpcClient("store")
    MutinyMailboxServiceGrpc.MutinyMailboxServiceStub mailboxes;

    @GrpcClient("store")
    MutinyMessageServiceGrpc.MutinyMessageServiceStub messages;

    @GrpcClient("store")
    MutinyQuotaServiceGrpc.MutinyQuotaServiceStub quotas;

    @GrpcClient("store")
    Channel channel;

    public MutinyAccountServiceGrpc.MutinyAccountServiceStub accounts() {
        return accounts;
    }

    public MutinyMailboxServiceGrpc.MutinyMailboxServiceStub mailboxes() {
        return mailboxes;
    }

    public MutinyMessageServiceGrpc.MutinyMessageServiceStub messages() {
        return messages;
    }

    public MutinyQuotaServiceGrpc.MutinyQuotaServiceStub quotas() {
        return quotas;
    }

    /**
     * The plain async stub, for every stream: APPEND's client stream needs gRPC's own flow control
     * (isReady/onReady), and FETCH's and Watch's server streams need calls that can be cancelled and are read only
     * as fast as they are asked for ({@code PulledStream}), which the Mutiny stub's streams are not.
     */
    public MessageServiceGrpc.MessageServiceStub messageStub() {
        return MessageServiceGrpc.newStub(channel);
    }
}
