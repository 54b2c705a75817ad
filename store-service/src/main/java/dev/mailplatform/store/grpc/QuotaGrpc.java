package dev.mailplatform.store.grpc;

import dev.mailplatform.store.domain.MailboxStore;
import dev.mailplatform.store.domain.Quotas;
import dev.mailplatform.store.v1.GetQuotaRequest;
import dev.mailplatform.store.v1.GetQuotaRootsRequest;
import dev.mailplatform.store.v1.GetQuotaRootsResponse;
import dev.mailplatform.store.v1.Quota;
import dev.mailplatform.store.v1.QuotaService;
import dev.mailplatform.store.v1.SetQuotaRequest;
import io.quarkus.grpc.GrpcService;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.mutiny.Uni;

@GrpcService
public class QuotaGrpc implements QuotaService {

    private final Quotas quotas;
    private final MailboxStore mailboxes;

    public QuotaGrpc(Quotas quotas, MailboxStore mailboxes) {
        this.quotas = quotas;
        this.mailboxes = mailboxes;
    }

    @Override
    public Uni<GetQuotaRootsResponse> getQuotaRoots(GetQuotaRootsRequest r) {
        return Offload.call(() -> {
            QuarkusTransaction.requiringNew().run(() -> mailboxes.find(r.getAccountId(), r.getMailbox(), false, 0));
            return GetQuotaRootsResponse.newBuilder().addRoots(Quotas.ROOT).build();
        });
    }

    @Override
    public Uni<Quota> getQuota(GetQuotaRequest r) {
        return Offload.call(() -> MailboxProtos.quota(quotas.get(r.getAccountId(), r.getRoot())));
    }

    @Override
    public Uni<Quota> setQuota(SetQuotaRequest r) {
        return Offload.call(() -> MailboxProtos.quota(quotas.set(r.getAccountId(),
                r.hasStorageLimit() ? r.getStorageLimit() : null, r.hasMessageLimit() ? r.getMessageLimit() : null)));
    }
}
