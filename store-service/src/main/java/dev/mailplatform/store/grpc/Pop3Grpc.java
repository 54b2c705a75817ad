package dev.mailplatform.store.grpc;

import dev.mailplatform.store.config.StoreConfig;
import dev.mailplatform.store.domain.LoginResult;
import dev.mailplatform.store.domain.Logins;
import dev.mailplatform.store.domain.Maildrops;
import dev.mailplatform.store.error.StoreException;
import dev.mailplatform.store.v1.AuthenticateRequest;
import dev.mailplatform.store.v1.AuthenticateResponse;
import dev.mailplatform.store.v1.CommitMaildropRequest;
import dev.mailplatform.store.v1.CommitMaildropResponse;
import dev.mailplatform.store.v1.Empty;
import dev.mailplatform.store.v1.GetRetentionPolicyRequest;
import dev.mailplatform.store.v1.LeaseRequest;
import dev.mailplatform.store.v1.LeaseResponse;
import dev.mailplatform.store.v1.LoginRequest;
import dev.mailplatform.store.v1.LoginResponse;
import dev.mailplatform.store.v1.MaildropBatch;
import dev.mailplatform.store.v1.MaildropEntry;
import dev.mailplatform.store.v1.MaildropHeader;
import dev.mailplatform.store.v1.OpenMaildropRequest;
import dev.mailplatform.store.v1.OpenMaildropResponse;
import dev.mailplatform.store.v1.Pop3Service;
import dev.mailplatform.store.v1.RecordRetrievalRequest;
import dev.mailplatform.store.v1.RetentionPolicy;
import dev.mailplatform.store.v1.SetRetentionPolicyRequest;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.util.List;
import java.util.function.Function;

@GrpcService
public class Pop3Grpc implements Pop3Service {

    private final Maildrops maildrops;
    private final Logins logins;
    private final StoreConfig config;

    public Pop3Grpc(Maildrops maildrops, Logins logins, StoreConfig config) {
        this.maildrops = maildrops;
        this.logins = logins;
        this.config = config;
    }

    @Override
    public Multi<OpenMaildropResponse> openMaildrop(OpenMaildropRequest r) {
        int batch = config.store().streamBatchSize();
        Readiness ready = Readiness.current();
        return Offload.call(() -> maildrops.open(r.getAccountId(), r.getOwner(), r.getLeaseSeconds(), batch))
                .onItem().transformToMulti(opened -> snapshot(ready, opened, batch,
                        h -> OpenMaildropResponse.newBuilder().setHeader(h).build(),
                        b -> OpenMaildropResponse.newBuilder().setBatch(b).build()));
    }

    @Override
    public Multi<LoginResponse> login(LoginRequest r) {
        int batch = config.store().streamBatchSize();
        Readiness ready = Readiness.current();
        record Step(AuthenticateResponse auth, Maildrops.Opened opened) {
        }
        // One hop to a worker for both: the password check, then (only if it passed) the lease.
        return Offload.call(() -> {
            AuthenticateRequest c = r.getCredentials();
            LoginResult login = logins.authenticate(c.getUsername(), c.getPassword(), c.getRemoteIp(),
                    c.getProtocol());
            AuthenticateResponse auth = AccountProtos.login(login);
            if (login.outcome() != LoginResult.Outcome.OK) {
                return new Step(auth, null);
            }
            return new Step(auth, maildrops.open(login.account().id(), r.getOwner(), r.getLeaseSeconds(), batch));
        }).onItem().transformToMulti(step -> {
            Multi<LoginResponse> auth = Multi.createFrom().item(LoginResponse.newBuilder().setAuth(step.auth()).build());
            if (step.opened() == null) {
                return auth;
            }
            return Multi.createBy().concatenating().streams(auth, snapshot(ready, step.opened(), batch,
                    h -> LoginResponse.newBuilder().setHeader(h).build(),
                    b -> LoginResponse.newBuilder().setBatch(b).build()));
        });
    }

    /** The header, the first page read with the lease, then the pages after it (only for a maildrop that fills one). */
    private <R> Multi<R> snapshot(Readiness ready, Maildrops.Opened opened, int batch, Function<MaildropHeader, R> header,
            Function<MaildropBatch, R> entries) {
        List<MaildropEntry> first = MailboxProtos.entries(opened.firstPage());
        MaildropHeader h = MailboxProtos.maildrop(opened.header());
        Multi<R> head = first.isEmpty() ? Multi.createFrom().item(header.apply(h))
                : Multi.createFrom().items(header.apply(h),
                        entries.apply(MaildropBatch.newBuilder().addAllEntries(first).build()));
        if (first.size() < batch) {
            // The whole maildrop came with the lease: no second query, no second hop to a worker.
            return head;
        }
        long after = Offload.uid(first.get(first.size() - 1).getUid());
        Multi<R> rest = Offload.uidPages(ready, (from, n) -> MailboxProtos.entries(maildrops.page(opened.mailboxId(),
                opened.header().uidvalidity(), Math.max(from, after), opened.uidnext(), n)),
                e -> Offload.uid(e.getUid()), batch)
                .map(p -> entries.apply(MaildropBatch.newBuilder().addAllEntries(p).build()));
        return Multi.createBy().concatenating().streams(head, rest);
    }

    @Override
    public Uni<LeaseResponse> renewLease(LeaseRequest r) {
        return Offload.call(() -> LeaseResponse.newBuilder()
                .setExpiresAt(maildrops.renew(r.getAccountId(), r.getLeaseId(), r.getLeaseSeconds()).toEpochMilli())
                .build());
    }

    @Override
    public Uni<CommitMaildropResponse> commitMaildrop(CommitMaildropRequest r) {
        return Offload.call(() -> CommitMaildropResponse.newBuilder()
                .setDeleted(maildrops.commit(r.getAccountId(), r.getLeaseId(), r.getDeletedUidsList(),
                        r.getRetrievedUidsList(), r.getMarkSeen())).build());
    }

    @Override
    public Uni<Empty> releaseMaildrop(LeaseRequest r) {
        return Offload.call(() -> {
            maildrops.release(r.getAccountId(), r.getLeaseId());
            return Empty.getDefaultInstance();
        });
    }

    @Override
    public Uni<Empty> recordRetrieval(RecordRetrievalRequest r) {
        return Offload.call(() -> {
            // The single uid of the first version of the call counts as one more UID (see the proto).
            List<Integer> uids = new java.util.ArrayList<>(r.getUidsList());
            if (r.getUid() != 0) {
                uids.add(r.getUid());
            }
            maildrops.recordRetrieval(r.getAccountId(), r.getLeaseId(), uids, r.getMarkSeen());
            return Empty.getDefaultInstance();
        });
    }

    @Override
    public Uni<RetentionPolicy> getRetentionPolicy(GetRetentionPolicyRequest r) {
        return Offload.call(() -> switch (r.getScopeCase()) {
            case ACCOUNT_ID -> MailboxProtos.retention(maildrops.policyOfAccount(r.getAccountId()));
            case DOMAIN_ID -> MailboxProtos.retention(maildrops.policyOfDomain(r.getDomainId()));
            default -> throw StoreException.invalid("give an account id or a domain id");
        });
    }

    @Override
    public Uni<RetentionPolicy> setRetentionPolicy(SetRetentionPolicyRequest r) {
        return Offload.call(() -> switch (r.getScopeCase()) {
            case ACCOUNT_ID -> MailboxProtos.retention(maildrops.setForAccount(r.getAccountId(), r.getRetentionDays(),
                    r.getClear()));
            case DOMAIN_ID -> MailboxProtos.retention(maildrops.setForDomain(r.getDomainId(), r.getRetentionDays()));
            default -> throw StoreException.invalid("give an account id or a domain id");
        });
    }
}
