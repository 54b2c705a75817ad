package dev.mailplatform.store.change;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.smallrye.mutiny.subscription.Cancellable;
import io.smallrye.mutiny.subscription.MultiEmitter;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Watch streams at their edges. One cancelled (on a gRPC event loop) while the change dispatcher emits to it. With a buffering emitter
 * the cancel cleared the emitter's single-consumer queue while the dispatcher drained it, and the cancelling thread
 * could then spin in the queue's poll for ever: the store's event loop hung, and every call on it with it.
 */
class WatchCancelRaceTest {

    /** A watcher whose transport stays unready gets WATCH_BUFFER events, then fails; a ready one is never cut. */
    @Test
    void aWatcherThatDoesNotReadFailsAfterTheBufferAndOneThatReadsNever() {
        Change ev = new Change(1, 0, "", ChangeKind.FLAGS_CHANGED, 0, 0, 0);
        AtomicBoolean ready = new AtomicBoolean(true);
        AtomicInteger received = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<MultiEmitter<? super Change>> emitter = new AtomicReference<>();
        ChangeBus.<Change>stream(emitter::set).subscribe().with(e -> received.incrementAndGet(), failure::set);
        ChangeBus.Watcher<Change> w = new ChangeBus.Watcher<>(emitter.get(), c -> c, ready::get, new AtomicInteger());
        for (int i = 0; i < 3 * ChangeBus.WATCH_BUFFER; i++) {
            w.send(ev);
        }
        ready.set(false);
        for (int i = 0; i < ChangeBus.WATCH_BUFFER; i++) {
            w.send(ev);
        }
        assertNull(failure.get());
        assertEquals(4 * ChangeBus.WATCH_BUFFER, received.get());
        ready.set(true); // it read a little: the count starts again
        w.send(ev);
        ready.set(false);
        for (int i = 0; i < ChangeBus.WATCH_BUFFER; i++) {
            w.send(ev);
        }
        assertNull(failure.get());
        w.send(ev);
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, Status.fromThrowable(failure.get()).getCode());
        assertEquals(5 * ChangeBus.WATCH_BUFFER + 1, received.get());
        assertTrue(emitter.get().isCancelled() || failure.get() != null);
    }

    /**
     * A change dispatched the moment a watcher is registered still comes after its WATCH_READY: the registration and
     * the READY emission hold off send(). (Before, a change could reach a new stream first; OutageContractTest saw it
     * after an outage, when the sender flushed its queued events.)
     */
    @Test
    void aChangeDispatchedAsTheWatcherRegistersComesAfterWatchReady() throws Exception {
        Change ev = new Change(1, 0, "", ChangeKind.MESSAGES_ADDED, 0, 0, 0);
        java.util.List<ChangeKind> got = new java.util.concurrent.CopyOnWriteArrayList<>();
        AtomicReference<MultiEmitter<? super Change>> emitter = new AtomicReference<>();
        ChangeBus.<Change>stream(emitter::set).subscribe().with(c -> got.add(c.kind()));
        ChangeBus.Watcher<Change> w = new ChangeBus.Watcher<>(emitter.get(), c -> c, () -> true, new AtomicInteger());
        CountDownLatch registered = new CountDownLatch(1);
        AtomicBoolean sent = new AtomicBoolean();
        Thread dispatcher = new Thread(() -> {
            try {
                registered.await();
            } catch (InterruptedException e) {
                return;
            }
            w.send(ev); // the dispatcher found the watcher registered
            sent.set(true);
        });
        dispatcher.start();
        assertTrue(w.start(() -> {
            registered.countDown();
            // Until the dispatcher has either sent (the race lost) or waits for the watcher's lock (held off).
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!sent.get() && dispatcher.getState() != Thread.State.BLOCKED && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
        }, Change.ready(1)));
        dispatcher.join(10_000);
        assertEquals(java.util.List.of(ChangeKind.WATCH_READY, ChangeKind.MESSAGES_ADDED), got);
    }

    @Test
    void aCancelWhileEventsAreEmittedAlwaysReturns() throws Exception {
        Change ev = new Change(1, 0, "", ChangeKind.FLAGS_CHANGED, 0, 0, 0);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 20_000; round++) {
                AtomicReference<MultiEmitter<? super Change>> emitter = new AtomicReference<>();
                Cancellable sub = ChangeBus.<Change>stream(emitter::set).subscribe().with(e -> { });
                CountDownLatch go = new CountDownLatch(1);
                Future<?> emitting = pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < 200 && !emitter.get().isCancelled(); i++) {
                        emitter.get().emit(ev);
                    }
                    return null;
                });
                Future<?> cancelling = pool.submit(() -> {
                    go.await();
                    Thread.onSpinWait();
                    sub.cancel();
                    return null;
                });
                go.countDown();
                try {
                    cancelling.get(5, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    throw new AssertionError("a cancel did not return in round " + round + ": the thread spins", e);
                }
                emitting.get(5, TimeUnit.SECONDS);
                assertTrue(emitter.get().isCancelled());
            }
        } finally {
            assertEquals(0, pool.shutdownNow().size());
        }
    }
}
