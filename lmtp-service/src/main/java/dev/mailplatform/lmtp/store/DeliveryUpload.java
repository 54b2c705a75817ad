package dev.mailplatform.lmtp.store;

import com.google.protobuf.ByteString;
import dev.mailplatform.store.v1.DeliverRequest;
import dev.mailplatform.store.v1.DeliverResponse;
import dev.mailplatform.store.v1.DeliveryEnvelope;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.io.ByteArrayOutputStream;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;

/**
 * One delivery's client stream to the store: the envelope, then the message in 64 KB chunks. {@link #ready()} is
 * gRPC's flow control: the session stops reading the socket while it is false and resumes on the ready callback, so
 * memory stays bounded whatever the message size. {@link #cancel()} (the MTA went away mid-DATA) makes the store
 * drop what it spooled. Callbacks run on the session's event loop.
 */
public final class DeliveryUpload implements ClientResponseObserver<DeliverRequest, DeliverResponse> {

    private static final int CHUNK = 64 * 1024;

    private final Executor eventLoop;
    private final Runnable onReady;
    private final DeliveryEnvelope envelope;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private volatile ClientCallStreamObserver<DeliverRequest> requests;
    private BiConsumer<DeliverResponse, Throwable> done;
    private DeliverResponse response;
    private Throwable failure;
    private boolean callDone;
    private boolean finished;

    DeliveryUpload(DeliveryEnvelope envelope, Executor eventLoop, Runnable onReady) {
        this.envelope = envelope;
        this.eventLoop = eventLoop;
        this.onReady = onReady;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<DeliverRequest> stream) {
        requests = stream;
        stream.setOnReadyHandler(() -> eventLoop.execute(onReady));
    }

    void started() {
        requests.onNext(DeliverRequest.newBuilder().setEnvelope(envelope).build());
    }

    /** Whether more bytes may be sent now; a failed call takes (and drops) anything. */
    public boolean ready() {
        return failure != null || callDone || requests.isReady();
    }

    public void data(byte[] bytes) {
        if (failure != null || callDone) {
            return;
        }
        pending.write(bytes, 0, bytes.length);
        if (pending.size() >= CHUNK) {
            flush();
        }
    }

    private void flush() {
        if (pending.size() > 0) {
            requests.onNext(DeliverRequest.newBuilder().setChunk(ByteString.copyFrom(pending.toByteArray())).build());
            pending.reset();
        }
    }

    /** The message is complete: {@code then} gets the per-recipient results or the failure, on the event loop. */
    public void finish(BiConsumer<DeliverResponse, Throwable> then) {
        done = then;
        finished = true;
        if (failure == null && !callDone) {
            flush();
            requests.onCompleted();
        }
        maybeDone();
    }

    /** Abandons the delivery: nothing is stored. */
    public void cancel() {
        if (!callDone && !finished) {
            requests.cancel("the LMTP client went away before the end of the data", null);
        }
    }

    public boolean failed() {
        return failure != null;
    }

    @Override
    public void onNext(DeliverResponse value) {
        eventLoop.execute(() -> response = value);
    }

    @Override
    public void onError(Throwable t) {
        eventLoop.execute(() -> {
            callDone = true;
            failure = t;
            maybeDone();
            // A reader waiting for room can go on: the rest of the data is dropped.
            onReady.run();
        });
    }

    @Override
    public void onCompleted() {
        eventLoop.execute(() -> {
            callDone = true;
            maybeDone();
        });
    }

    private void maybeDone() {
        if (done == null || !callDone) {
            return;
        }
        BiConsumer<DeliverResponse, Throwable> d = done;
        done = null;
        d.accept(failure == null ? response : null, failure != null ? failure
                : response == null ? new IllegalStateException("no deliver response") : null);
    }
}
