package dev.mailplatform.lmtp.store;

import dev.mailplatform.store.v1.CheckRecipientRequest;
import dev.mailplatform.store.v1.CheckRecipientResponse;
import dev.mailplatform.store.v1.DeliveryEnvelope;
import dev.mailplatform.store.v1.DeliveryServiceGrpc;
import dev.mailplatform.store.v1.ResolveRules;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;

/**
 * Everything lmtp-service asks of store-service: the RCPT check and the delivery stream. Plain async stubs, so that
 * the upload has gRPC's flow control (isReady/onReady); results hop to the caller's event loop here.
 */
@ApplicationScoped
public class StoreClient {

    @GrpcClient("store")
    io.grpc.Channel channel;

    private volatile DeliveryServiceGrpc.DeliveryServiceStub stub;

    private DeliveryServiceGrpc.DeliveryServiceStub stub() {
        DeliveryServiceGrpc.DeliveryServiceStub s = stub;
        if (s == null) {
            s = DeliveryServiceGrpc.newStub(channel);
            stub = s;
        }
        return s;
    }

    /** The RCPT TO check; {@code done} runs on {@code eventLoop} with the answer or the failure. */
    public void checkRecipient(String address, ResolveRules rules, long declaredSize, Executor eventLoop,
            BiConsumer<CheckRecipientResponse, Throwable> done) {
        stub().checkRecipient(CheckRecipientRequest.newBuilder().setAddress(address).setRules(rules)
                .setDeclaredSize(declaredSize).build(), new StreamObserver<>() {
                    private CheckRecipientResponse value;

                    @Override
                    public void onNext(CheckRecipientResponse v) {
                        value = v;
                    }

                    @Override
                    public void onError(Throwable t) {
                        eventLoop.execute(() -> done.accept(null, t));
                    }

                    @Override
                    public void onCompleted() {
                        CheckRecipientResponse v = value;
                        eventLoop.execute(() -> done.accept(v, v == null
                                ? new IllegalStateException("no check response") : null));
                    }
                });
    }

    /** Opens a delivery stream and sends its envelope; the session then streams the message into it. */
    public DeliveryUpload deliver(DeliveryEnvelope envelope, Executor eventLoop, Runnable onReady) {
        DeliveryUpload upload = new DeliveryUpload(envelope, eventLoop, onReady);
        stub().deliver(upload);
        upload.started();
        return upload;
    }

    /** For the readiness probe: a cheap lookup that touches the store's database. */
    public Uni<Void> ping() {
        return Uni.createFrom().emitter(em -> stub().checkRecipient(CheckRecipientRequest.newBuilder()
                .setAddress("health-probe@health.invalid").build(), new StreamObserver<>() {
                    @Override
                    public void onNext(CheckRecipientResponse v) {
                    }

                    @Override
                    public void onError(Throwable t) {
                        em.fail(t);
                    }

                    @Override
                    public void onCompleted() {
                        em.complete(null);
                    }
                }));
    }
}
