package dev.mailplatform.pop3.store;

import dev.mailplatform.protocol.PulledStream;
import dev.mailplatform.store.v1.AuthResult;
import dev.mailplatform.store.v1.AuthenticateRequest;
import dev.mailplatform.store.v1.AuthenticateResponse;
import dev.mailplatform.store.v1.CommitMaildropRequest;
import dev.mailplatform.store.v1.FetchContentRequest;
import dev.mailplatform.store.v1.FetchContentResponse;
import dev.mailplatform.store.v1.FetchMessagesRequest;
import dev.mailplatform.store.v1.FetchMessagesResponse;
import dev.mailplatform.store.v1.GetRetentionPolicyRequest;
import dev.mailplatform.store.v1.LeaseRequest;
import dev.mailplatform.store.v1.LoginRequest;
import dev.mailplatform.store.v1.MailboxRef;
import dev.mailplatform.store.v1.MaildropEntry;
import dev.mailplatform.store.v1.MaildropHeader;
import dev.mailplatform.store.v1.MessageServiceGrpc;
import dev.mailplatform.store.v1.Pop3Service;
import dev.mailplatform.store.v1.RecordRetrievalRequest;
import dev.mailplatform.store.v1.Section;
import dev.mailplatform.store.v1.SectionKind;
import io.grpc.Status;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Everything pop3-service asks of store-service. gRPC failures become {@link StoreCallException} here and nowhere
 * else. Callers get their results on whatever thread gRPC uses and hop back to their event loop themselves.
 */
@ApplicationScoped
public class StoreClient {

    private static final long CALL_SECONDS = 15;

    @GrpcClient("store")
    Pop3Service pop3;

    /**
     * The plain async stub for FetchContent: its manual flow control (request one chunk at a time) is what lets RETR
     * stop pulling while the client's socket is full; the Mutiny stream would buffer ahead without limit.
     */
    @GrpcClient("store")
    io.grpc.Channel channel;

    private volatile MessageServiceGrpc.MessageServiceStub messages;

    /**
     * A POP3 login in one call: the password check (the store counts failures cluster-wide) and, when it passes,
     * the lease and the snapshot. The snapshot is null when the login was refused. Fails with IN_USE, or CANNOT for
     * LOGIN-DELAY (see the proto).
     */
    public Uni<LoginOutcome> login(String user, String password, String remoteIp, String owner, Duration lease) {
        final class Parts {
            AuthenticateResponse auth;
            MaildropHeader header;
            final List<MaildropEntry> entries = new ArrayList<>();
        }
        return pop3.login(LoginRequest.newBuilder().setCredentials(AuthenticateRequest.newBuilder().setUsername(user)
                .setPassword(password).setRemoteIp(remoteIp).setProtocol("pop3")).setOwner(owner)
                .setLeaseSeconds(seconds(lease)).build())
                .collect().in(Parts::new, (acc, part) -> {
                    switch (part.getPartCase()) {
                        case AUTH -> acc.auth = part.getAuth();
                        case HEADER -> acc.header = part.getHeader();
                        case BATCH -> acc.entries.addAll(part.getBatch().getEntriesList());
                        default -> {
                        }
                    }
                })
                .ifNoItem().after(java.time.Duration.ofSeconds(CALL_SECONDS)).fail()
                .map(acc -> {
                    AuthenticateResponse r = acc.auth;
                    if (r == null) {
                        throw Status.INTERNAL.withDescription("Login answered without an authentication outcome")
                                .asRuntimeException();
                    }
                    boolean ok = r.getResult() == AuthResult.AUTH_OK;
                    AuthOutcome outcome = new AuthOutcome(switch (r.getResult()) {
                        case AUTH_OK -> AuthOutcome.Result.OK;
                        case AUTH_ACCOUNT_DISABLED -> AuthOutcome.Result.ACCOUNT_DISABLED;
                        default -> AuthOutcome.Result.INVALID_CREDENTIALS;
                    }, ok ? r.getAccount().getId() : 0, ok ? r.getAccount().getAddress() : "", r.getDelayMs());
                    if (!ok) {
                        return new LoginOutcome(outcome, null);
                    }
                    if (acc.header == null) {
                        throw Status.INTERNAL.withDescription("Login accepted without a maildrop").asRuntimeException();
                    }
                    MaildropHeader h = acc.header;
                    List<MaildropEntry> e = acc.entries;
                    int[] uids = new int[e.size()];
                    long[] sizes = new long[e.size()];
                    String[] ids = new String[e.size()];
                    for (int i = 0; i < uids.length; i++) {
                        uids[i] = e.get(i).getUid();
                        sizes[i] = e.get(i).getSize();
                        ids[i] = e.get(i).getUniqueId();
                    }
                    return new LoginOutcome(outcome, new MaildropSnapshot(h.getLeaseId(), h.getRetentionDays(),
                            h.getLoginDelaySeconds(), uids, sizes, ids));
                })
                .onFailure().transform(StoreCallException::wrap);
    }

    public Uni<Void> renewLease(long accountId, String leaseId, Duration lease) {
        return pop3.renewLease(LeaseRequest.newBuilder().setAccountId(accountId).setLeaseId(leaseId)
                .setLeaseSeconds(seconds(lease)).build()).replaceWithVoid()
                .onFailure().transform(StoreCallException::wrap);
    }

    /** The wire carries whole seconds, and 0 would mean the store's own default: at least 1. */
    private static int seconds(Duration lease) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, lease.toSeconds()));
    }

    /**
     * RFC 1939 UPDATE: every deletion or none, the session's retrievals recorded in the same transaction (with
     * \Seen when {@code markSeen}), and the lease is gone.
     */
    public Uni<Integer> commit(long accountId, String leaseId, List<Integer> deletedUids, List<Integer> retrievedUids,
            boolean markSeen) {
        return pop3.commitMaildrop(CommitMaildropRequest.newBuilder().setAccountId(accountId).setLeaseId(leaseId)
                .addAllDeletedUids(deletedUids).addAllRetrievedUids(retrievedUids).setMarkSeen(markSeen).build())
                .map(r -> r.getDeleted())
                .onFailure().transform(StoreCallException::wrap);
    }

    public Uni<Void> release(long accountId, String leaseId) {
        return pop3.releaseMaildrop(LeaseRequest.newBuilder().setAccountId(accountId).setLeaseId(leaseId).build())
                .replaceWithVoid().onFailure().transform(StoreCallException::wrap);
    }

    /** The retrievals of a session that ends without UPDATE, in one call; needs the lease, so before release. */
    public Uni<Void> recordRetrieval(long accountId, String leaseId, List<Integer> uids, boolean markSeen) {
        return pop3.recordRetrieval(RecordRetrievalRequest.newBuilder().setAccountId(accountId).setLeaseId(leaseId)
                .addAllUids(uids).setMarkSeen(markSeen).build()).replaceWithVoid()
                .onFailure().transform(StoreCallException::wrap);
    }

    /** A cheap round trip through the store to its database, for readiness: an unknown domain answers NOT_FOUND. */
    public Uni<Void> ping() {
        return pop3.getRetentionPolicy(GetRetentionPolicyRequest.newBuilder().setDomainId(0).build())
                .replaceWithVoid()
                .onFailure(t -> new StoreCallException(t).failure() == dev.mailplatform.protocol.StoreFailure.NONEXISTENT)
                .recoverWithNull()
                .onFailure().transform(StoreCallException::wrap);
    }

    /**
     * Streams a message's bytes (the whole message; TOP cuts it itself). A pure read: RETR's \Seen is recorded at
     * QUIT or disconnect ({@link #commit}, {@link #recordRetrieval}). Nothing arrives until the receiver asks with
     * {@link ContentStream#request}.
     */
    public ContentStream fetchContent(long accountId, int uid, Executor executor, ContentStream.Receiver receiver) {
        FetchContentRequest request = FetchContentRequest.newBuilder().setMailbox(inbox(accountId))
                .setUid(uid).setSection(Section.newBuilder().setKind(SectionKind.SECTION_FULL)).build();
        Pulled<FetchContentRequest, FetchContentResponse> observer = new Pulled<>(executor,
                r -> receiver.chunk(r.getData().toByteArray()), receiver::end, receiver::failed);
        stub().withDeadlineAfter(CALL_SECONDS * 20, TimeUnit.SECONDS).fetchContent(request, observer);
        return observer;
    }

    /**
     * Streams the whole messages of these UIDs, in this order (see FetchMessages in the store's proto). Like
     * {@link #fetchContent}, nothing arrives until the receiver asks, one response at a time.
     */
    public MessagesStream fetchMessages(long accountId, List<Integer> uids, Executor executor,
            MessagesStream.Receiver receiver) {
        FetchMessagesRequest request = FetchMessagesRequest.newBuilder().setMailbox(inbox(accountId))
                .addAllUids(uids).build();
        Pulled<FetchMessagesRequest, FetchMessagesResponse> observer = new Pulled<>(executor, r -> {
            if (r.getGone()) {
                receiver.gone(r.getUid());
            } else {
                receiver.piece(r.getUid(), r.getData().toByteArray(), r.getLast());
            }
        }, receiver::end, receiver::failed);
        stub().withDeadlineAfter(CALL_SECONDS * 20, TimeUnit.SECONDS).fetchMessages(request, observer);
        return observer;
    }

    private static MailboxRef inbox(long accountId) {
        return MailboxRef.newBuilder().setAccountId(accountId).setMailbox("INBOX").build();
    }

    private MessageServiceGrpc.MessageServiceStub stub() {
        if (messages == null) {
            messages = MessageServiceGrpc.newStub(channel);
        }
        return messages;
    }

    /** The shared pulled stream, answering to both of this client's stream interfaces. */
    private static final class Pulled<Q, R> extends PulledStream<Q, R> implements ContentStream, MessagesStream {
        Pulled(Executor executor, java.util.function.Consumer<R> next, Runnable end,
                java.util.function.Consumer<StoreCallException> failed) {
            super(executor, next, end, t -> failed.accept(new StoreCallException(t)));
        }
    }
}
