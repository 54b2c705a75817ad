package dev.mailplatform.store.change;

import dev.mailplatform.store.config.StoreConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.BackPressureStrategy;
import io.smallrye.mutiny.subscription.MultiEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Change events across store replicas. Writers call {@link #publish} inside their transaction, or after a statement
 * that committed by itself; the event goes out once the transaction has committed, so nobody hears of a change that
 * rolled back. One LISTEN connection per replica receives every replica's events and fans them out to the Watch
 * streams of that account.
 *
 * <p>The events are sent by one thread of their own, in batches, each batch in a transaction that does nothing else.
 * The sender waits {@code mail.store.change-batch-delay} after an event for more to come, and a batch sends one
 * event per kind and mailbox ({@link #merge}).
 * They are not sent from the writers' transactions because PostgreSQL serializes the commits of every transaction
 * that has notified, on one lock held through the commit's WAL flush: with pg_notify in each append, the commits of
 * all appends, of every replica, waited for each other. The events are hints (a Watch client then asks GetChanges
 * for what changed since its modseq), so one lost when a replica dies between its commit and the send costs only
 * latency: the front end sees the change at its next sync.
 *
 * <p>It speaks {@link Change}; each Watch stream says how to turn one into its message ({@link #attach}). Over 350
 * lines because the publishing side and the listening side share the payload format and the reconnect logic.
 */
@ApplicationScoped
public class ChangeBus {

    private static final Logger LOG = Logger.getLogger(ChangeBus.class);
    static final String CHANNEL = "mail_changes";

    private final String url;
    private final String user;
    private final String password;
    private final TransactionSynchronizationRegistry transactions;
    private final WatchRegistry<Watcher<?>> watchers = new WatchRegistry<>();
    /** Committed events not yet sent. Bounded: while PostgreSQL is away, the oldest are dropped (and counted). */
    private final BlockingQueue<Outgoing> outbox = new ArrayBlockingQueue<>(OUTBOX);
    private final long batchDelayNanos;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private volatile boolean running;
    private volatile boolean listening;
    private Thread listener;
    private Thread sender;

    static final int OUTBOX = 65536;
    static final int SEND_BATCH = 512;

    public ChangeBus(TransactionSynchronizationRegistry transactions, MeterRegistry registry, StoreConfig config,
            @ConfigProperty(name = "quarkus.datasource.jdbc.url") String url,
            @ConfigProperty(name = "quarkus.datasource.username") String user,
            @ConfigProperty(name = "quarkus.datasource.password") String password) {
        this.transactions = transactions;
        this.batchDelayNanos = config.store().changeBatchDelay().toNanos();
        if (batchDelayNanos < 0) {
            throw new IllegalArgumentException("mail.store.change-batch-delay must not be negative");
        }
        this.url = url.startsWith("jdbc:") ? url : "jdbc:" + url;
        this.user = user;
        this.password = password;
        registry.gauge("mail.store.watchers", watchers, WatchRegistry::size);
        registry.more().counter("mail.store.change.events", List.of(), received);
        // Events handed to Watch streams: per change, the number of streams open on the account here.
        registry.more().counter("mail.store.change.delivered", List.of(), delivered);
        registry.more().counter("mail.store.change.dropped", List.of(), dropped);
        registry.gauge("mail.store.change.outbox", outbox, BlockingQueue::size);
    }

    /**
     * Queues an event: inside the transaction that made the change, to go out if it commits; outside any, after a
     * statement that committed by itself, to go out now. The payload is plain text,
     * "kind|account|mailbox id|highest modseq|uidnext|messages|name"; the name goes last because it may contain the
     * separator.
     */
    public void publish(Change event) {
        Outgoing payload = Outgoing.of(event);
        int status = transactions.getTransactionStatus();
        if (status == Status.STATUS_NO_TRANSACTION) {
            send(payload);
        } else if (status == Status.STATUS_ACTIVE) {
            transactions.registerInterposedSynchronization(new Synchronization() {
                @Override
                public void beforeCompletion() {
                }

                @Override
                public void afterCompletion(int outcome) {
                    if (outcome == Status.STATUS_COMMITTED) {
                        send(payload);
                    }
                }
            });
        }
        // Otherwise the transaction is marked for rollback, or ending: its change will not be seen, nor its event.
    }

    /** Queues a committed change's payload for the sender; the oldest go first when the queue is full. */
    private void send(Outgoing payload) {
        while (!outbox.offer(payload)) {
            if (outbox.poll() != null) {
                dropped.incrementAndGet();
            }
        }
    }

    /** The sender: one transaction per batch of queued events, on a connection of its own. */
    private void sendLoop() {
        List<Outgoing> batch = new ArrayList<>();
        long backoff = 200;
        while (running) {
            try (Connection c = DriverManager.getConnection(url, user, password); PreparedStatement ps =
                    c.prepareStatement("SELECT count(pg_notify(?, p)) FROM unnest(?::text[]) p")) {
                try (Statement s = c.createStatement()) {
                    // Events are hints (see above): a batch lost with a crash of PostgreSQL costs watchers only
                    // latency, so the sender does not wait for its WAL flush.
                    s.execute("SET synchronous_commit = off");
                }
                backoff = 200;
                while (running) {
                    if (batch.isEmpty()) {
                        Outgoing first = outbox.poll(1, TimeUnit.SECONDS);
                        if (first == null) {
                            continue;
                        }
                        batch.add(first);
                        if (batchDelayNanos > 0 && outbox.size() < SEND_BATCH - 1) {
                            // Under load each transaction, and each wake-up of every replica's listener, then
                            // carries many events instead of one: sent one group commit at a time, the sender's
                            // and the listener's backends took about 7 % of PostgreSQL's CPU during APPEND.
                            TimeUnit.NANOSECONDS.sleep(batchDelayNanos);
                        }
                        outbox.drainTo(batch, SEND_BATCH - 1);
                    }
                    ps.setString(1, CHANNEL);
                    ps.setArray(2, c.createArrayOf("text", merge(batch).toArray()));
                    ps.executeQuery().close();
                    batch.clear();
                }
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                // The batch is kept and sent once PostgreSQL is back; the queue meanwhile stays bounded.
                backoff = pauseBeforeRetry("change sender", e, backoff);
                if (backoff < 0) {
                    return;
                }
            }
        }
    }

    /** A committed event on its way: what merging needs, and the NOTIFY payload. */
    record Outgoing(int kind, long mailboxId, long highestModseq, String payload) {

        /**
         * "kind|account|mailbox id|highest modseq|uidnext|messages|name"; the name goes last: it may hold "|".
         * uidnext and messages are uint32 on the wire, and go as such.
         */
        static Outgoing of(Change e) {
            return new Outgoing(e.kind().code, e.mailboxId(), e.highestModseq(), e.kind().code + "|"
                    + e.accountId() + "|" + e.mailboxId() + "|" + e.highestModseq() + "|"
                    + (e.uidnext() & UINT32) + "|" + (e.messages() & UINT32) + "|" + e.mailbox());
        }

        /** Messages added, flags changed, messages expunged: each tells the mailbox's state after the change. */
        boolean mergeable() {
            return kind == ChangeKind.MESSAGES_ADDED.code || kind == ChangeKind.FLAGS_CHANGED.code
                    || kind == ChangeKind.MESSAGES_EXPUNGED.code;
        }
    }

    private static final long UINT32 = 0xFFFFFFFFL;

    /**
     * The payloads of a batch, where events of one kind for one mailbox became the one with the highest modseq: it
     * carries the latest counters, and a watcher only learns from it that the mailbox changed up to that modseq (it
     * then asks GetChanges). The others go as they are, in their order.
     */
    static List<String> merge(List<Outgoing> batch) {
        record Key(int kind, long mailboxId) {
        }
        Map<Object, Outgoing> kept = new java.util.LinkedHashMap<>();
        for (Outgoing o : batch) {
            Object key = o.mergeable() ? new Key(o.kind(), o.mailboxId()) : new Object();
            kept.merge(key, o, (a, b) -> b.highestModseq() >= a.highestModseq() ? b : a);
        }
        return kept.values().stream().map(Outgoing::payload).toList();
    }

    public void publish(long accountId, long mailboxId, String mailbox, ChangeKind kind, long highestModseq,
            long uidnext, long messages) {
        publish(new Change(accountId, mailboxId, mailbox, kind, highestModseq, uidnext, messages));
    }

    /**
     * A watcher whose transport stays unready (its client does not read) fails once this many events were sent to it
     * meanwhile, instead of holding memory without bound; its front end reconnects and catches up with GetChanges.
     */
    public static final int WATCH_BUFFER = 4096;

    /**
     * One Watch stream: its emitter, what it emits for a change (the edge's message), whether its transport can take
     * more now, and what it was sent while not.
     */
    record Watcher<E>(MultiEmitter<? super E> emitter, Function<Change, E> message, BooleanSupplier transportReady,
            AtomicInteger unread) {

        /**
         * Registers the watcher ({@code register}) and emits WATCH_READY, under the lock that {@link #send} takes: a
         * change dispatched as soon as the watcher is registered waits until WATCH_READY is out, so READY comes
         * first, as the contract says. False when the stream was cancelled meanwhile (nothing emitted).
         */
        synchronized boolean start(Runnable register, Change ready) {
            register.run();
            if (emitter.isCancelled()) {
                return false;
            }
            emitter.emit(message.apply(ready));
            return true;
        }

        synchronized void send(Change ev) {
            if (transportReady.getAsBoolean()) {
                unread.set(0);
            } else if (unread.incrementAndGet() > WATCH_BUFFER) {
                emitter.fail(io.grpc.Status.RESOURCE_EXHAUSTED
                        .withDescription("watcher does not read; reconnect and catch up with GetChanges")
                        .asRuntimeException());
                return;
            }
            emitter.emit(message.apply(ev));
        }
    }

    public Multi<Change> watch(long accountId) {
        return stream(emitter -> attach(accountId, emitter, Function.identity(), () -> true));
    }

    /**
     * The Multi behind a Watch stream, whose emitter {@code start} {@link #attach}es. A buffering emitter would hang
     * the gRPC event loop: its cancel clears the emitter's single-consumer queue on the cancelling thread while the
     * emitting thread may be draining it, and the queue's poll then spins for ever. Demand is unbounded (Quarkus's
     * stubs request Long.MAX_VALUE), so nothing was ever buffered there anyway.
     */
    public static <E> Multi<E> stream(Consumer<MultiEmitter<? super E>> start) {
        return Multi.createFrom().emitter(start, BackPressureStrategy.ERROR);
    }

    /**
     * Makes the emitter (of a Multi made with {@link #stream}) a Watch stream of the account: WATCH_READY now, then
     * every event of the account, until it is cancelled, each as {@code message} makes it. {@code transportReady}
     * says whether the call's transport can take more now (see {@link #WATCH_BUFFER}).
     */
    public <E> void attach(long accountId, MultiEmitter<? super E> emitter, Function<Change, E> message,
            BooleanSupplier transportReady) {
        Watcher<E> watcher = new Watcher<>(emitter, message, transportReady, new AtomicInteger());
        // Mutiny runs no termination callback registered after a cancel, and a client may cancel while this runs:
        // register first, add, then look again, or the stream stays registered for ever.
        emitter.onTermination(() -> watchers.remove(accountId, watcher));
        if (!watcher.start(() -> watchers.add(accountId, watcher), Change.ready(accountId))) {
            watchers.remove(accountId, watcher);
        }
    }

    public boolean isListening() {
        return listening;
    }

    void onStart(@Observes StartupEvent ev) {
        running = true;
        listener = new Thread(this::listenLoop, "store-change-listener");
        listener.setDaemon(true);
        listener.start();
        sender = new Thread(this::sendLoop, "store-change-sender");
        sender.setDaemon(true);
        sender.start();
    }

    void onStop(@Observes ShutdownEvent ev) {
        running = false;
        if (listener != null) {
            listener.interrupt();
        }
        if (sender != null) {
            sender.interrupt();
        }
        watchers.forAll(w -> w.emitter().complete());
    }

    /** A dedicated connection (not from the pool: LISTEN is session state). Reconnects until shutdown. */
    private void listenLoop() {
        long backoff = 200;
        while (running) {
            try (Connection c = DriverManager.getConnection(url, user, password)) {
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + CHANNEL);
                }
                listening = true;
                backoff = 200;
                PGConnection pg = c.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] batch = pg.getNotifications(1000);
                    if (batch == null) {
                        if (!c.isValid(2)) {
                            throw new java.sql.SQLException("listen connection lost", "08006");
                        }
                        continue;
                    }
                    for (PGNotification n : batch) {
                        dispatch(n.getParameter());
                    }
                }
            } catch (Exception e) {
                listening = false;
                backoff = pauseBeforeRetry("change listener", e, backoff);
                if (backoff < 0) {
                    return;
                }
            }
        }
        listening = false;
    }

    /**
     * The listener's and the sender's wait before they reconnect, on their own threads: the next, doubled backoff
     * (at most 5 s), or -1 when the bus stops (shut down, or interrupted while waiting).
     */
    private long pauseBeforeRetry(String who, Exception e, long backoff) {
        if (!running) {
            return -1;
        }
        LOG.warnf("%s disconnected (%s); retrying in %d ms", who, e.getMessage(), backoff);
        try {
            Thread.sleep(backoff);
        } catch (InterruptedException ie) {
            return -1;
        }
        return Math.min(backoff * 2, 5000);
    }

    private void dispatch(String payload) {
        try {
            String[] f = payload.split("\\|", 7);
            Change ev = new Change(Long.parseLong(f[1]), Long.parseLong(f[2]), f[6],
                    ChangeKind.of(Integer.parseInt(f[0])), Long.parseLong(f[3]), Long.parseLong(f[4]) & UINT32,
                    Long.parseLong(f[5]) & UINT32);
            received.incrementAndGet();
            watchers.forEach(ev.accountId(), w -> {
                delivered.incrementAndGet();
                w.send(ev);
            });
        } catch (Exception e) {
            LOG.warnf("ignoring malformed change event: %s", e.getMessage());
        }
    }
}
