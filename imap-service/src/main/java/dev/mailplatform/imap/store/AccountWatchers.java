package dev.mailplatform.imap.store;

import dev.mailplatform.store.v1.ChangeEvent;
import dev.mailplatform.store.v1.ChangeKind;
import dev.mailplatform.store.v1.WatchRequest;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.Vertx;
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
 * listener entry, not a stream. A broken stream is reopened with backoff; its listeners then get a synthetic
 * event with mailbox id 0 ("anything may have changed"), so each re-pulls its changes.
 */
@ApplicationScoped
public class AccountWatchers {

    private static final Logger LOG = Logger.getLogger(AccountWatchers.class);

    /** A registration; closing it removes the listener and, with the last one, the stream. */
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    private final class Watch {
        final long accountId;
        final Set<Consumer<ChangeEvent>> listeners = new CopyOnWriteArraySet<>();
        volatile Cancellable stream;
        volatile boolean closed;
        volatile boolean hadStream;
        int failures;

        Watch(long accountId) {
            this.accountId = accountId;
        }

        void open() {
            if (closed) {
                return;
            }
            stream = store.messages().watch(WatchRequest.newBuilder().setAccountId(accountId).build())
                    .subscribe().with(this::deliver, this::failed, this::failed0);
        }

        private void deliver(ChangeEvent e) {
            if (e.getKind() == ChangeKind.WATCH_READY) {
                failures = 0;
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

        private void failed0() {
            failed(null);
        }

        private void failed(Throwable t) {
            if (closed) {
                return;
            }
            long delay = Math.min(30_000, 250L << Math.min(failures++, 7));
            LOG.debugf("watch of account %d ended (%s); reopening in %d ms", Long.valueOf(accountId), String.valueOf(t), Long.valueOf(delay));
            vertx.setTimer(delay, id -> open());
        }

        void close() {
            closed = true;
            Cancellable s = stream;
            if (s != null) {
                s.cancel();
            }
        }
    }

    @Inject
    StoreClient store;

    @Inject
    Vertx vertx;

    private final Map<Long, Watch> watches = new ConcurrentHashMap<>();

    /** Calls {@code listener} (on a gRPC thread) for every change event of the account. */
    public Registration register(long accountId, Consumer<ChangeEvent> listener) {
        Watch[] opened = new Watch[1];
        Watch w = watches.compute(accountId, (id, existing) -> {
            Watch watch = existing != null ? existing : new Watch(id);
            watch.listeners.add(listener);
            if (existing == null) {
                opened[0] = watch;
            }
            return watch;
        });
        if (opened[0] != null) {
            opened[0].open();
        }
        return () -> watches.computeIfPresent(accountId, (id, watch) -> {
            watch.listeners.remove(listener);
            if (watch.listeners.isEmpty()) {
                watch.close();
                return null;
            }
            return watch;
        });
    }

    /** Accounts with an open Watch stream here, for metrics. */
    public int openStreams() {
        return watches.size();
    }
}
