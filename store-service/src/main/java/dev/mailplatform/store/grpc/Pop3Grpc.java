package dev.mailplatform.store.grpc;

import dev.mailplatform.store.config.StoreConfig;
import dev.mailplatform.store.domain.Maildrops;
import dev.mailplatform.store.error.StoreException;
import dev.mailplatform.store.v1.CommitMaildropRequest;
import dev.mailplatform.store.v1.CommitMaildropResponse;
import dev.mailplatform.store.v1.Empty;
import dev.mailplatform.store.v1.GetRetentionPolicyRequest;
import dev.mailplatform.store.v1.LeaseRequest;
import dev.mailplatform.store.v1.LeaseResponse;
import dev.mailplatform.store.v1.MaildropBatch;
import dev.mailplatform.store.v1.MaildropEntry;
import dev.mailplatform.store.v1.OpenMaildropRequest;
import dev.mailplatform.store.v1.OpenMaildropResponse;
import dev.mailplatform.store.v1.Pop3Service;
import dev.mailplatform.store.v1.RecordRetrievalRequest;
import dev.mailplatform.store.v1.RetentionPolicy;
import dev.mailplatform.store.v1.SetRetentionPolicyRequest;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.util.List;

@GrpcService
public class Pop3Grpc implements Pop3Service {

    private final Maildrops maildrops;
    private final StoreConfig config;
    private final MeterRegistry registry;

    public Pop3Grpc(Maildrops maildrops, StoreConfig config, MeterRegistry registry) {
        this.maildrops = maildrops;
        this.config = config;
        this.registry = registry;
    }

    @Override
    public Multi<OpenMaildropResponse> openMaildrop(OpenMaildropRequest r) {
        int batch = config.store().streamBatchSize();
        return Offload.call(() -> maildrops.open(r.getAccountId(), r.getOwner(), r.getLeaseSeconds(), batch))
                .onFailure(t -> t.getMessage() != null && t.getMessage().contains("locked"))
                .invoke(() -> registry.counter("mail.store.pop3.lease.conflicts").increment())
                .onItem().transformToMulti(opened -> {
                    List<MaildropEntry> first = opened.firstPage();
                    OpenMaildropResponse header = OpenMaildropResponse.newBuilder().setHeader(opened.header()).build();
                    Multi<OpenMaildropResponse> head = first.isEmpty() ? Multi.createFrom().item(header)
                            : Multi.createFrom().items(header, OpenMaildropResponse.newBuilder()
                                    .setBatch(MaildropBatch.newBuilder().addAllEntries(first)).build());
                    if (first.size() < batch) {
                        // The whole maildrop came with the lease: no second query, no second hop to a worker.
                        return head;
                    }
                    long after = Offload.uid(first.get(first.size() - 1).getUid());
                    Multi<OpenMaildropResponse> rest = Offload.uidPages((from, n) -> maildrops.page(
                            opened.mailboxId(), Offload.uid(opened.header().getUidvalidity()), Math.max(from, after),
                            opened.uidnext(), n), e -> Offload.uid(e.getUid()), batch)
                            .map(p -> OpenMaildropResponse.newBuilder()
                            .setBatch(MaildropBatch.newBuilder().addAllEntries(p)).build());
                    return Multi.createBy().concatenating().streams(head, rest);
                });
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
            case ACCOUNT_ID -> maildrops.policyOfAccount(r.getAccountId());
            case DOMAIN_ID -> maildrops.policyOfDomain(r.getDomainId());
            default -> throw StoreException.invalid("give an account id or a domain id");
        });
    }

    @Override
    public Uni<RetentionPolicy> setRetentionPolicy(SetRetentionPolicyRequest r) {
        return Offload.call(() -> switch (r.getScopeCase()) {
            case ACCOUNT_ID -> maildrops.setForAccount(r.getAccountId(), r.getRetentionDays(), r.getClear());
            case DOMAIN_ID -> maildrops.setForDomain(r.getDomainId(), r.getRetentionDays());
            default -> throw StoreException.invalid("give an account id or a domain id");
        });
    }
}
