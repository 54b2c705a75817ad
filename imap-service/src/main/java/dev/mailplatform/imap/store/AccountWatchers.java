package dev.mailplatform.imap.store;

import dev.mailplatform.imap.config.ImapConfig;
import dev.mailplatform.store.v1.ChangeEvent;
import dev.mailplatform.store.v1.ChangeKind;
import dev.mailplatform.store.v1.WatchRequest;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * One Watch stream per account on this instance, shared by every session of that account: an idle session costs a
 * listener entry, not a stream. After the account's last session here ends, the stream stays open for
 * {@code mail.imap.watch-linger} (events then go nowhere: a new session syncs from the store at SELECT), so a client
 * that reconnects soon costs no new stream; then it closes. A broken stream is reopened with backoff; its listeners then get a synthetic
 * event with mailbox id 0 ("anything may have changed"), so each re-pulls its changes.
 *
 * <p>The stream is opened on the plain async stub, not the Mutiny one: cancelling a subscription to the Mutiny
 * stub's server stream does not cancel the gRPC call (quarkus-grpc-stubs' {@code ClientCalls.oneToMany} registers
 * no cancellation), so every account whose last session ended left a live Watch in the store, and every later change
 * of that account was fanned out to it.
 */
@ApplicationScoped
public class AccountWatchers {

    private static final Logger LOG = Logger.getLogger(AccountWatchers.class);

    /** A registration; closing it removes the listener and, with the last one, the stream. */
    public interface Registration extends AutoCloseable {
        /**
         * Whether the account's stream is open and the store has confirmed it (WATCH_READY): every change committed
         * from now on comes as an event, until the stream breaks (its reopening then says "anything may have
         * changed").
         */
        boolean ready();

        @Override
        void close();
    }

    private final class Watch {
        final long accountId;
        final Set<Consumer<ChangeEvent>> listeners = new CopyOnWriteArraySet<>();
        /** The call of the current stream; guarded by this, like {@link #closed}, so close never misses an open. */
        private ClientCallStreamObserver<WatchRequest> call;
        private Stream current;
        private boolean closed;
        private volatile boolean hadStream;
        /** The current stream has said WATCH_READY and has not ended since. */
        volatile boolean ready;
        private int failures;
        /** The pending linger close (a Vert.x timer id), -1 when none; read and written in the map's compute. */
        long lingerTimer = -1;

        Watch(long accountId) {
            this.accountId = accountId;
        }

        synchronized void open() {
            if (closed) {
                return;
            }
            current = new Stream();
            store.messageStub().watch(WatchRequest.newBuilder().setAccountId(accountId).build(), current);
        }

        /** One attempt: only the current attempt's end may schedule the next. */
        private final class Stream implements ClientResponseObserver<WatchRequest, ChangeEvent> {
            @Override
            public void beforeStart(ClientCallStreamObserver<WatchRequest> requestStream) {
                call = requestStream; // runs inside open(), which holds the lock
            }

            @Override
            public void onNext(ChangeEvent e) {
                deliver(e);
            }

            @Override
            public void onError(Throwable t) {
                ended(this, t);
            }

            @Override
            public void onCompleted() {
                ended(this, null);
            }
        }

        private void deliver(ChangeEvent e) {
            if (e.getKind() == ChangeKind.WATCH_READY) {
                synchronized (this) {
                    failures = 0;
                }
                ready = true;
                if (hadStream) {
                    // Events may have been missed while the stream was down.
                    broadcast(ChangeEvent.newBuilder().setAccountId(accountId).setMailboxId(0)
                            .setKind(ChangeKind.ACCOUNT_CHANGED).build());
                }
                hadStream = true;
                return;
            }
            broadcast(e);
        }

        private void broadcast(ChangeEvent e) {
            for (Consumer<ChangeEvent> l : listeners) {
                try {
                    l.accept(e);
                } catch (RuntimeException ex) {
                    LOG.warnf(ex, "watch listener of account %d failed", accountId);
                }
            }
        }

        private synchronized void ended(Stream stream, Throwable t) {
            if (closed || stream != current) {
                return;
            }
            current = null;
            ready = false;
            long delay = Math.min(30_000, 250L << Math.min(failures++, 7));
            LOG.debugf("watch of account %d ended (%s); reopening in %d ms", Long.valueOf(accountId),
                    String.valueOf(t), Long.valueOf(delay));
            call = null;
            vertx.setTimer(delay, id -> open());
        }

        synchronized void close() {
            closed = true;
            if (call != null) {
                call.cancel("no session of the account is left on this instance", null);
                call = null;
            }
        }
    }

    @Inject
    StoreClient store;

    @Inject
    Vertx vertx;

    @Inject
    MeterRegistry meters;

    @Inject
    ImapConfig config;

    private final Map<Long, Watch> watches = new ConcurrentHashMap<>();

    @PostConstruct
    void registerGauge() {
        meters.gauge("imap.watch.streams", watches, Map::size);
    }

    /** Calls {@code listener} (on a gRPC thread) for every change event of the account. */
    public Registration register(long accountId, Consumer<ChangeEvent> listener) {
        Watch[] opened = new Watch[1];
        watches.compute(accountId, (id, existing) -> {
            Watch watch = existing != null ? existing : new Watch(id);
            watch.listeners.add(listener);
            if (existing == null) {
                opened[0] = watch;
            } else if (watch.lingerTimer >= 0) {
                vertx.cancelTimer(watch.lingerTimer); // a session came back while the stream lingered
                watch.lingerTimer = -1;
            }
            return watch;
        });
        if (opened[0] != null) {
            opened[0].open();
        }
        Watch mine = opened[0] != null ? opened[0] : watches.get(accountId);
        return new Registration() {
            @Override
            public boolean ready() {
                // The registration's own Watch: after its last session left and its linger ended, another is made.
                return mine != null && mine.ready && watches.get(accountId) == mine;
            }

            @Override
            public void close() {
                unregister(accountId, listener);
            }
        };
    }

    private void unregister(long accountId, Consumer<ChangeEvent> listener) {
        watches.computeIfPresent(accountId, (id, watch) -> {
            watch.listeners.remove(listener);
            if (!watch.listeners.isEmpty()) {
                return watch;
            }
            long linger = config.watchLinger().toMillis();
            if (linger <= 0) {
                watch.close();
                return null;
            }
            if (watch.lingerTimer < 0) {
                watch.lingerTimer = vertx.setTimer(linger, timer -> watches.computeIfPresent(accountId, (i, w) -> {
                    if (w.lingerTimer != timer || !w.listeners.isEmpty()) {
                        return w;
                    }
                    w.close();
                    return null;
                }));
            }
            return watch;
        });
    }

    /** Accounts with an open Watch stream here, for metrics. */
    public int openStreams() {
        return watches.size();
    }
}
