package dev.mailplatform.store.grpc;

import dev.mailplatform.store.domain.MailboxStore;
import dev.mailplatform.store.v1.CreateMailboxRequest;
import dev.mailplatform.store.v1.DeleteMailboxRequest;
import dev.mailplatform.store.v1.Empty;
import dev.mailplatform.store.v1.GetStatusRequest;
import dev.mailplatform.store.v1.ListMailboxesRequest;
import dev.mailplatform.store.v1.ListMailboxesResponse;
import dev.mailplatform.store.v1.MailboxInfo;
import dev.mailplatform.store.v1.MailboxService;
import dev.mailplatform.store.v1.MailboxStatus;
import dev.mailplatform.store.v1.RenameMailboxRequest;
import dev.mailplatform.store.v1.SubscriptionRequest;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;

@GrpcService
public class MailboxGrpc implements MailboxService {

    private final MailboxStore mailboxes;

    public MailboxGrpc(MailboxStore mailboxes) {
        this.mailboxes = mailboxes;
    }

    @Override
    public Uni<ListMailboxesResponse> listMailboxes(ListMailboxesRequest r) {
        return Offload.call(() -> ListMailboxesResponse.newBuilder()
                .addAllMailboxes(MailboxProtos.infos(mailboxes.list(r.getAccountId()))).build());
    }

    @Override
    public Uni<MailboxInfo> createMailbox(CreateMailboxRequest r) {
        return Offload.call(() -> MailboxProtos.info(mailboxes.create(r.getAccountId(), r.getName(),
                r.getSpecialUse())));
    }

    @Override
    public Uni<Empty> deleteMailbox(DeleteMailboxRequest r) {
        return Offload.call(() -> {
            mailboxes.delete(r.getAccountId(), r.getName());
            return Empty.getDefaultInstance();
        });
    }

    @Override
    public Uni<MailboxInfo> renameMailbox(RenameMailboxRequest r) {
        return Offload.call(() -> MailboxProtos.info(mailboxes.rename(r.getAccountId(), r.getFrom(), r.getTo())));
    }

    @Override
    public Uni<Empty> subscribe(SubscriptionRequest r) {
        return Offload.call(() -> {
            mailboxes.subscribe(r.getAccountId(), r.getName(), true);
            return Empty.getDefaultInstance();
        });
    }

    @Override
    public Uni<Empty> unsubscribe(SubscriptionRequest r) {
        return Offload.call(() -> {
            mailboxes.subscribe(r.getAccountId(), r.getName(), false);
            return Empty.getDefaultInstance();
        });
    }

    @Override
    public Uni<MailboxStatus> getStatus(GetStatusRequest r) {
        return Offload.call(() -> MailboxProtos.status(mailboxes.status(RequestProtos.mailbox(r.getMailbox()))));
    }
}
