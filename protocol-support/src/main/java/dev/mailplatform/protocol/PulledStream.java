package dev.mailplatform.protocol;

import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * A gRPC server stream read with manual flow control, for the front ends' content streams: a response arrives only
 * after it was asked for with {@link #request}, on the given executor (the session's event loop), in order; nothing
 * arrives after {@link #cancel}, which also cancels the call in the store.
 *
 * <p>The Mutiny stubs' server streams do neither: they ask the store for everything at once and buffer what the
 * subscriber has not requested without limit (a 50 MB message to a client that stopped reading sat whole in the
 * front end's heap), and cancelling the subscription leaves the call running.
 */
public class PulledStream<Q, R> implements ClientResponseObserver<Q, R> {

    private final Executor executor;
    private final Consumer<R> next;
    private final Runnable end;
    private final Consumer<Throwable> failed;
    private volatile ClientCallStreamObserver<Q> call;
    private volatile boolean cancelled;

    public PulledStream(Executor executor, Consumer<R> next, Runnable end, Consumer<Throwable> failed) {
        this.executor = executor;
        this.next = next;
        this.end = end;
        this.failed = failed;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<Q> requestStream) {
        call = requestStream;
        requestStream.disableAutoRequestWithInitial(0);
    }

    @Override
    public void onNext(R value) {
        executor.execute(() -> {
            if (!cancelled) {
                next.accept(value);
            }
        });
    }

    @Override
    public void onError(Throwable t) {
        executor.execute(() -> {
            if (!cancelled) {
                failed.accept(t);
            }
        });
    }

    @Override
    public void onCompleted() {
        executor.execute(() -> {
            if (!cancelled) {
                end.run();
            }
        });
    }

    /** Asks the store for this many more responses. */
    public void request(int responses) {
        call.request(responses);
    }

    /** Stops delivery and cancels the call; idempotent. */
    public void cancel() {
        if (!cancelled) {
            cancelled = true;
            call.cancel("the front end needs no more of this stream", null);
        }
    }
}
