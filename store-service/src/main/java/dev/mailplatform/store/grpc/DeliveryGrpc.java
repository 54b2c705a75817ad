package dev.mailplatform.store.grpc;

import dev.mailplatform.store.config.StoreConfig;
import dev.mailplatform.store.domain.Deliveries;
import dev.mailplatform.store.domain.Spool;
import dev.mailplatform.store.error.StoreException;
import dev.mailplatform.store.v1.Alias;
import dev.mailplatform.store.v1.CheckRecipientRequest;
import dev.mailplatform.store.v1.CheckRecipientResponse;
import dev.mailplatform.store.v1.DeleteAliasRequest;
import dev.mailplatform.store.v1.DeleteAliasResponse;
import dev.mailplatform.store.v1.DeliverRequest;
import dev.mailplatform.store.v1.DeliverResponse;
import dev.mailplatform.store.v1.DeliveryService;
import dev.mailplatform.store.v1.DeliveryStatus;
import dev.mailplatform.store.v1.ListAliasesRequest;
import dev.mailplatform.store.v1.ListAliasesResponse;
import dev.mailplatform.store.v1.RecipientResult;
import dev.mailplatform.store.v1.RecipientStatus;
import dev.mailplatform.store.v1.ResolveRules;
import dev.mailplatform.store.v1.SetAliasRequest;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** DeliveryService: the LMTP front end's calls, mapped to {@link Deliveries}. */
@GrpcService
public class DeliveryGrpc implements DeliveryService {

    private final Deliveries deliveries;
    private final StoreConfig config;
    private final Timer deliverTimer;

    public DeliveryGrpc(Deliveries deliveries, StoreConfig config, MeterRegistry registry) {
        this.deliveries = deliveries;
        this.config = config;
        this.deliverTimer = registry.timer("mail.store.deliver");
    }

    private static Deliveries.Rules rules(ResolveRules r) {
        return new Deliveries.Rules(r.getDetailSeparator(), r.getSaveToDetailMailbox());
    }

    @Override
    public Uni<CheckRecipientResponse> checkRecipient(CheckRecipientRequest r) {
        return Offload.call(() -> {
            Deliveries.Resolved res = deliveries.check(r.getAddress(), rules(r.getRules()), r.getDeclaredSize());
            RecipientStatus s = switch (res.state()) {
                case DELIVERABLE -> RecipientStatus.RECIPIENT_DELIVERABLE;
                case UNKNOWN -> RecipientStatus.RECIPIENT_UNKNOWN;
                case DISABLED -> RecipientStatus.RECIPIENT_DISABLED;
                case OVER_QUOTA -> RecipientStatus.RECIPIENT_OVER_QUOTA;
            };
            return CheckRecipientResponse.newBuilder().setStatus(s).setAccountAddress(res.accountAddress()).build();
        });
    }

    /** Collects the client stream into a spool on a worker thread; the envelope comes first. */
    private final class DeliverState {
        Deliveries.Envelope envelope;
        Spool spool;
        final long started = System.nanoTime();

        void accept(DeliverRequest req) {
            if (envelope == null) {
                if (!req.hasEnvelope()) {
                    throw StoreException.invalid("the first deliver request must carry the envelope");
                }
                var e = req.getEnvelope();
                if (e.getRecipientsCount() == 0) {
                    throw StoreException.invalid("a delivery needs at least one recipient");
                }
                envelope = new Deliveries.Envelope(e.getMailFrom(), List.copyOf(e.getRecipientsList()),
                        rules(e.getRules()), e.getDeclaredSize(), e.getDuplicateWindowSeconds());
                long max = config.store().maxMessageSize();
                if (e.getDeclaredSize() > max) {
                    throw Spool.tooLarge(e.getDeclaredSize(), max);
                }
                spool = new Spool(max, config.store().memorySpoolLimit(), e.getDeclaredSize());
                return;
            }
            if (req.hasEnvelope()) {
                throw StoreException.invalid("only the first deliver request may carry the envelope");
            }
            spool.write(req.getChunk().asReadOnlyByteBuffer());
        }

        void close() {
            if (spool != null) {
                spool.close();
            }
        }
    }

    @Override
    public Uni<DeliverResponse> deliver(Multi<DeliverRequest> requests) {
        DeliverState st = new DeliverState();
        // A cancelled stream (the front end's client went away mid-DATA) fails here and stores nothing.
        return requests.emitOn(Infrastructure.getDefaultWorkerPool())
                .onItem().invoke(st::accept)
                .collect().last()
                .map(last -> {
                    if (st.envelope == null) {
                        throw StoreException.invalid("deliver stream carried no envelope");
                    }
                    List<Deliveries.Result> results = deliveries.deliver(st.envelope, st.spool);
                    DeliverResponse.Builder b = DeliverResponse.newBuilder().setSize(st.spool.size());
                    for (Deliveries.Result r : results) {
                        b.addResults(RecipientResult.newBuilder().setRecipient(r.recipient())
                                .setStatus(status(r.status())).setMailbox(r.mailbox())
                                .setUidvalidity((int) r.uidvalidity()).setUid((int) r.uid()));
                    }
                    deliverTimer.record(System.nanoTime() - st.started, TimeUnit.NANOSECONDS);
                    return b.build();
                })
                .onFailure().transform(GrpcErrors::map)
                .onTermination().invoke(st::close);
    }

    private static DeliveryStatus status(Deliveries.Status s) {
        return switch (s) {
            case DELIVERED -> DeliveryStatus.DELIVERY_DELIVERED;
            case UNKNOWN -> DeliveryStatus.DELIVERY_UNKNOWN;
            case DISABLED -> DeliveryStatus.DELIVERY_DISABLED;
            case OVER_QUOTA -> DeliveryStatus.DELIVERY_OVER_QUOTA;
            case DUPLICATE -> DeliveryStatus.DELIVERY_DUPLICATE;
        };
    }

    @Override
    public Uni<Alias> setAlias(SetAliasRequest r) {
        return Offload.call(() -> {
            Deliveries.Alias a = deliveries.setAlias(r.getSource(), r.getTarget());
            return Alias.newBuilder().setSource(a.source()).setTarget(a.target()).build();
        });
    }

    @Override
    public Uni<DeleteAliasResponse> deleteAlias(DeleteAliasRequest r) {
        return Offload.call(() -> DeleteAliasResponse.newBuilder()
                .setDeleted(deliveries.deleteAlias(r.getSource())).build());
    }

    @Override
    public Uni<ListAliasesResponse> listAliases(ListAliasesRequest r) {
        return Offload.call(() -> {
            ListAliasesResponse.Builder b = ListAliasesResponse.newBuilder();
            for (Deliveries.Alias a : deliveries.listAliases()) {
                b.addAliases(Alias.newBuilder().setSource(a.source()).setTarget(a.target()));
            }
            return b.build();
        });
    }
}
