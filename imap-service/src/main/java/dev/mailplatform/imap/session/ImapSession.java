package dev.mailplatform.imap.session;

import dev.mailplatform.imap.protocol.ImapParser;
import dev.mailplatform.imap.protocol.ParseEvent;
import dev.mailplatform.imap.protocol.ResponseWriter;
import dev.mailplatform.imap.protocol.command.Command;
import dev.mailplatform.imap.store.AccountWatchers;
import dev.mailplatform.protocol.ConnectionLimits;
import dev.mailplatform.store.v1.Account;
import dev.mailplatform.store.v1.ChangeEvent;
import dev.mailplatform.store.v1.GetChangesRequest;
import dev.mailplatform.store.v1.GetChangesResponse;
import dev.mailplatform.store.v1.MessageState;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * One IMAP connection. Everything here runs on the connection's Vert.x context (one event-loop thread); store
 * replies are moved back onto it through {@link #executor()}. Commands run one at a time: while one runs the socket
 * is paused (pipelined input waits, bounded, in the parser), except while APPEND streams its literal or IDLE and
 * AUTHENTICATE wait for a line.
 */
public final class ImapSession {

    private static final Logger LOG = Logger.getLogger(ImapSession.class);

    private final SessionContext services;
    private final NetSocket socket;
    private final Context context;
    private final Executor executor;
    private final String remoteIp;
    private final ConnectionLimits.Permit ipPermit;
    private ImapParser parser;
    private boolean tlsActive;

    private State state = State.NOT_AUTHENTICATED;
    private Account account;
    private ConnectionLimits.Permit accountPermit;
    private AccountWatchers.Registration watch;
    private SelectedMailbox selected;
    private int authFailures;

    private boolean busy;
    private boolean closed;
    /** The output-stall timer while the session waits for its socket to drain, or -1. */
    private long stallTimer = -1;
    private boolean syncing;
    private final List<Runnable> afterSync = new ArrayList<>();
    /** Set while a command reads raw lines (AUTHENTICATE continuations, IDLE's DONE). */
    private Consumer<String> lineHandler;
    /** Set while APPEND streams its literal; null otherwise. */
    private AppendSink append;
    /** Set while IDLE waits: changes are then written as they come. */
    private boolean idling;
    private long timer = -1;

    /** Where APPEND's literal goes while it streams. */
    public interface AppendSink {
        /** False pauses reading from the client until {@link ImapSession#resumeInput()}. */
        boolean accepting();

        void data(byte[] chunk);

        void end();

        /** The connection closed mid-literal: nothing may be stored. */
        void abort();
    }

    /** {@code remoteIp}: the client's address, from a trusted proxy's PROXY header when there is one. */
    public ImapSession(SessionContext services, NetSocket socket, Context context, String remoteIp, boolean tlsActive,
            ConnectionLimits.Permit ipPermit) {
        this.services = services;
        this.socket = socket;
        this.context = context;
        this.executor = r -> context.runOnContext(v -> r.run());
        this.tlsActive = tlsActive;
        this.remoteIp = remoteIp;
        this.ipPermit = ipPermit;
        this.parser = services.newParser();
    }

    public void start() {
        socket.handler(this::onData);
        socket.closeHandler(v -> onClosed());
        socket.exceptionHandler(t -> LOG.debugf("connection from %s: %s", remoteIp, t.toString()));
        armTimer();
        send(new ResponseWriter().statusResponse("*", "OK", "CAPABILITY " + capabilities(),
                "Mail platform IMAP ready"));
    }

    // ---- accessors for handlers

    public SessionContext services() {
        return services;
    }

    public Executor executor() {
        return executor;
    }

    public State state() {
        return state;
    }

    public Account account() {
        return account;
    }

    public long accountId() {
        return account.getId();
    }

    public SelectedMailbox selected() {
        return selected;
    }

    public boolean tlsActive() {
        return tlsActive;
    }

    public String remoteIp() {
        return remoteIp;
    }

    public boolean plaintextAllowed() {
        return services.plaintextPolicy().allowed(tlsActive, remoteIp);
    }

    public boolean startTlsAvailable() {
        return !tlsActive && services.startTlsOptions() != null;
    }

    public String capabilities() {
        StringBuilder caps = new StringBuilder("IMAP4rev1");
        List<String> registered = services.commands().capabilities();
        if (state == State.NOT_AUTHENTICATED) {
            if (startTlsAvailable() && registered.contains("STARTTLS")) {
                caps.append(" STARTTLS");
            }
            if (plaintextAllowed()) {
                caps.append(" AUTH=PLAIN AUTH=LOGIN");
            } else {
                caps.append(" LOGINDISABLED");
            }
            if (registered.contains("SASL-IR")) {
                caps.append(" SASL-IR");
            }
        }
        caps.append(" LITERAL+");
        // The rest come from the command table: a command that is not registered is never advertised.
        for (String c : registered) {
            switch (c) {
                case "STARTTLS", "SASL-IR" -> {
                    // Before authentication only, above.
                }
                case "APPENDLIMIT" -> caps.append(" APPENDLIMIT=").append(services.config().maxAppendSize());
                default -> caps.append(' ').append(c);
            }
        }
        return caps.toString();
    }

    // ---- output

    public void send(ResponseWriter w) {
        send(w.toBytes());
    }

    public void send(byte[] bytes) {
        if (closed) {
            return;
        }
        services.metrics().bytesOut(bytes.length);
        socket.write(Buffer.buffer(bytes));
    }

    public void sendBuffer(Buffer b) {
        if (closed) {
            return;
        }
        services.metrics().bytesOut(b.length());
        socket.write(b);
    }

    /** True when the client is slower than we produce: stop pulling from the store until {@link #onDrain}. */
    public boolean writeQueueFull() {
        return socket.writeQueueFull();
    }

    public void onDrain(Runnable r) {
        // A client that stopped reading would hold its session, and the store stream behind it, for ever. One timer
        // per session: a second wait replaces the first's handler, and must replace its timer too.
        if (stallTimer >= 0) {
            context.owner().cancelTimer(stallTimer);
        }
        stallTimer = context.owner().setTimer(Math.max(1, services.config().outputStallTimeout().toMillis()), id -> {
            stallTimer = -1;
            socket.drainHandler(null);
            LOG.debugf("closing the connection from %s: its output has not drained for %s", remoteIp,
                    services.config().outputStallTimeout());
            close();
        });
        socket.drainHandler(v -> {
            if (stallTimer >= 0) {
                context.owner().cancelTimer(stallTimer);
                stallTimer = -1;
            }
            socket.drainHandler(null);
            r.run();
        });
    }

    public boolean closed() {
        return closed;
    }

    public void bye(String text) {
        send(new ResponseWriter().statusResponse("*", "BYE", null, text));
        close();
    }

    public void close() {
        if (!closed) {
            socket.close();
        }
        onClosed();
    }

    // ---- input

    private void onData(Buffer data) {
        services.metrics().bytesIn(data.length());
        if (state != State.NOT_AUTHENTICATED) {
            // Before login the timeout is an absolute deadline from the connect: input must not extend it, or a
            // client trickling bytes would hold its connection (and its per-IP slot) for ever.
            armTimer();
        }
        byte[] bytes = data.getBytes();
        parser.feed(bytes, 0, bytes.length);
        pump();
    }

    /** Processes parser events until it needs more bytes or a command is running that reads no input. */
    private void pump() {
        while (!closed) {
            // A command never starts while changes are being written: its sequence numbers must stay valid.
            if ((busy || syncing) && !wantsInput()) {
                socket.pause();
                return;
            }
            // A client that pipelines commands without reading the replies: stop reading until it catches up,
            // or the replies would pile up in memory without bound.
            if (socket.writeQueueFull() && !wantsInput()) {
                socket.pause();
                onDrain(this::pump);
                return;
            }
            ParseEvent event = parser.next();
            if (event instanceof ParseEvent.NeedMore) {
                socket.resume();
                return;
            }
            handle(event);
        }
    }

    private boolean wantsInput() {
        return lineHandler != null || (append != null && append.accepting());
    }

    /** APPEND's sink became ready again (the store's stream drained). */
    public void resumeInput() {
        context.runOnContext(v -> pump());
    }

    private void handle(ParseEvent event) {
        if (event instanceof ParseEvent.Request r) {
            dispatch(r.command());
        } else if (event instanceof ParseEvent.Continue) {
            send(new ResponseWriter().continuation("Ready for literal data").toBytes());
        } else if (event instanceof ParseEvent.Bad b) {
            send(new ResponseWriter().statusResponse(b.tag() == null ? "*" : b.tag(), "BAD", null, b.reason()));
            services.metrics().command("INVALID", "BAD", 0);
        } else if (event instanceof ParseEvent.Fatal f) {
            bye(f.reason());
        } else if (event instanceof ParseEvent.Line l) {
            Consumer<String> h = lineHandler;
            lineHandler = null;
            if (h != null) {
                h.accept(l.text());
            }
        } else if (event instanceof ParseEvent.AppendStart a) {
            Commands.Entry entry = services.commands().entry(a.name());
            if (entry.states().contains(state)) {
                entry.streaming().start(this, a);
            } else {
                entry.streaming().refuse(this, a, Reply.bad(a.name() + " is not allowed " + describe(state)));
            }
        } else if (event instanceof ParseEvent.AppendData d) {
            if (append != null) {
                append.data(d.chunk());
            }
        } else if (event instanceof ParseEvent.AppendEnd e) {
            AppendSink sink = append;
            append = null;
            if (sink != null) {
                sink.end();
            }
        }
    }

    /** Reads the next client line raw (AUTHENTICATE responses, IDLE's DONE). */
    public void readLine(Consumer<String> handler) {
        lineHandler = handler;
        parser.expectLine();
    }

    public ImapParser parser() {
        return parser;
    }

    public void appendStarted(AppendSink sink) {
        append = sink;
    }

    /** Marks APPEND as running (the socket keeps feeding its literal). */
    public long beginCommand() {
        busy = true;
        return System.nanoTime();
    }

    // ---- commands

    private void dispatch(Command command) {
        Commands.Entry entry = services.commands().entry(command.name());
        if (entry == null) {
            send(new ResponseWriter().statusResponse(command.tag(), "BAD", null, "Unknown command " + command.name()));
            return;
        }
        if (!entry.states().contains(state)) {
            send(new ResponseWriter().statusResponse(command.tag(), "BAD", null,
                    command.name() + " is not allowed " + describe(state)));
            services.metrics().command(command.name(), "BAD", 0);
            return;
        }
        long start = beginCommand();
        Uni<Reply> reply;
        try {
            reply = entry.handle(this, command);
        } catch (RuntimeException e) {
            reply = Uni.createFrom().failure(e);
        }
        reply.emitOn(executor).subscribe().with(
                r -> complete(command.tag(), command.name(), entry.mayExpunge(), r, start),
                t -> complete(command.tag(), command.name(), entry.mayExpunge(), StoreReplies.of(t, command.name()),
                        start));
    }

    private static String describe(State s) {
        return switch (s) {
            case NOT_AUTHENTICATED -> "before authentication";
            case AUTHENTICATED -> "without a selected mailbox";
            case SELECTED -> "with a mailbox selected";
            case LOGOUT -> "after LOGOUT";
        };
    }

    /**
     * Ends a command: shows pending changes of the selected mailbox where the command allows it (never EXPUNGE after
     * FETCH, STORE or SEARCH by sequence number: RFC 3501 §7.4.1), then the tagged reply.
     */
    public void complete(String tag, String name, boolean mayExpunge, Reply reply, long start) {
        if (closed) {
            return;
        }
        Uni<Void> pending = mayExpunge && reply.status() != Reply.Status.BAD ? syncSelected() : syncDone();
        pending.emitOn(executor).subscribe().with(v -> finish(tag, name, reply, start),
                t -> finish(tag, name, reply, start));
    }

    private void finish(String tag, String name, Reply reply, long start) {
        if (closed) {
            return;
        }
        services.metrics().command(name, reply.status().name(), System.nanoTime() - start);
        send(new ResponseWriter().statusResponse(tag, reply.status().name(), reply.code(), reply.text()));
        busy = false;
        if (reply.afterWrite() != null) {
            reply.afterWrite().run();
        }
        if (!closed) {
            pump();
        }
    }

    // ---- state changes

    /** After a successful LOGIN/AUTHENTICATE: the account's session limit, then the authenticated state. */
    public Reply loggedIn(Account a) {
        if (closed) {
            // The client left while the store checked its password: nothing may be registered that no close
            // will ever release (a Watch registration taken here leaked the account's store stream).
            return Reply.no(null, "Connection closed");
        }
        ConnectionLimits.Permit permit = services.limits().tryLogin(a.getAddress());
        if (permit == null) {
            return Reply.no("LIMIT", "Too many open sessions for this account");
        }
        account = a;
        accountPermit = permit;
        state = State.AUTHENTICATED;
        watch = services.watchers().register(a.getId(), this::onChange);
        armTimer();
        return Reply.ok("CAPABILITY " + capabilities(), "Logged in");
    }

    public int authFailed() {
        services.metrics().authFailure();
        return ++authFailures;
    }

    public void select(SelectedMailbox mailbox) {
        selected = mailbox;
        state = mailbox == null ? State.AUTHENTICATED : State.SELECTED;
    }

    public void logout() {
        state = State.LOGOUT;
    }

    /** STARTTLS: the reply is written in plaintext; bytes pipelined after it are dropped (RFC 3501 §6.2.1). */
    public void upgradeToTls() {
        parser = services.newParser();
        socket.upgradeToSsl(ar -> {
            if (ar.succeeded()) {
                tlsActive = true;
            } else {
                LOG.debugf("TLS handshake with %s failed: %s", remoteIp, ar.cause());
                close();
            }
        });
    }

    // ---- changes from the store

    private void onChange(ChangeEvent e) {
        context.runOnContext(v -> {
            SelectedMailbox s = selected;
            if (closed || s == null) {
                return;
            }
            if (e.getMailboxId() == 0 || e.getMailboxId() == s.mailboxId()) {
                if (e.getMailboxId() == 0 || e.getHighestModseq() == 0 || e.getHighestModseq() > s.highestModseq()) {
                    s.markDirty();
                }
                if (idling) {
                    syncSelected().subscribe().with(x -> { }, t -> { });
                }
            }
        });
    }

    public void idle(boolean on) {
        idling = on;
    }

    /**
     * Pulls the selected mailbox's changes since this view's modseq and writes them: EXPUNGE for vanished
     * messages, FETCH FLAGS for changed ones, EXISTS for new ones.
     */
    public Uni<Void> syncSelected() {
        SelectedMailbox s = selected;
        if (syncing) {
            return syncDone().chain(this::syncSelected);
        }
        if (s == null || !s.dirty()) {
            return Uni.createFrom().voidItem();
        }
        syncing = true;
        s.clearDirty();
        GetChangesRequest request = GetChangesRequest.newBuilder().setMailbox(s.ref())
                .setSinceModseq(s.highestModseq()).setIncludeVanished(true).build();
        boolean[] failed = {false};
        return services.store().messages().getChanges(request).collect().asList().emitOn(executor)
                .onItem().invoke(responses -> applyChanges(s, responses))
                .onFailure().invoke(t -> {
                    failed[0] = true;
                    s.markDirty();
                    dev.mailplatform.protocol.StoreFailure f = dev.mailplatform.protocol.StoreFailure.of(t);
                    if (f == dev.mailplatform.protocol.StoreFailure.NONEXISTENT
                            || f == dev.mailplatform.protocol.StoreFailure.CANNOT) {
                        bye("The selected mailbox was deleted or renamed");
                    }
                })
                .onTermination().invoke(this::syncEnded)
                .onFailure().recoverWithNull().replaceWithVoid()
                // After a failure the mailbox stays dirty for the next command: retrying at once looped for as long
                // as the store was down, and the command waiting on it never got its reply.
                .chain(() -> !failed[0] && selected == s && s.dirty() && !closed ? syncSelected()
                        : Uni.createFrom().voidItem());
    }

    /** Completes once no sync is writing (at once when none runs). */
    private Uni<Void> syncDone() {
        if (!syncing) {
            return Uni.createFrom().voidItem();
        }
        return Uni.createFrom().emitter(e -> afterSync.add(() -> e.complete(null)));
    }

    private void syncEnded() {
        syncing = false;
        List<Runnable> waiting = new ArrayList<>(afterSync);
        afterSync.clear();
        waiting.forEach(Runnable::run);
        if (!busy && !closed) {
            pump();
        }
    }

    private void applyChanges(SelectedMailbox s, List<GetChangesResponse> responses) {
        if (selected != s || closed) {
            return;
        }
        long highest = s.highestModseq();
        List<MessageState> changed = new ArrayList<>();
        // The store reads the changed and the vanished messages in separate queries: a message expunged between
        // them comes back in both. It is gone; without this it would be re-added (EXPUNGE, then a bogus EXISTS,
        // then EXPUNGE again on the next sync).
        Set<Integer> vanished = new HashSet<>();
        ResponseWriter out = new ResponseWriter();
        for (GetChangesResponse r : responses) {
            highest = Math.max(highest, r.getHighestModseq());
            for (int uid : r.getVanishedList()) {
                vanished.add(uid);
                int seq = s.remove(uid);
                if (seq > 0) {
                    out.untagged().number(seq).sp().atom("EXPUNGE").crlf();
                }
            }
            changed.addAll(r.getChangedList());
        }
        int before = s.exists();
        for (MessageState m : changed) {
            if (vanished.contains(m.getUid())) {
                continue;
            }
            int seq = s.seqOf(m.getUid());
            if (seq > 0) {
                if (!s.alreadyReported(m.getUid(), m.getModseq())) {
                    out.untagged().number(seq).sp().atom("FETCH").sp().open().atom("UID").sp().number(
                            Integer.toUnsignedLong(m.getUid())).sp().atom("FLAGS").sp().flags(FlagNames.toImap(
                                    m.getSystemFlags(), m.getKeywordsList())).close().crlf();
                }
            } else {
                s.add(m.getUid());
            }
        }
        if (s.exists() != before) {
            out.untagged().number(s.exists()).sp().atom("EXISTS").crlf();
            out.untagged().number(0).sp().atom("RECENT").crlf();
        }
        s.highestModseq(highest);
        s.clearReported();
        if (out.size() > 0) {
            send(out);
        }
    }

    // ---- lifecycle

    private void armTimer() {
        if (timer >= 0) {
            context.owner().cancelTimer(timer);
        }
        if (closed) {
            return;
        }
        long ms = (state == State.NOT_AUTHENTICATED ? services.config().loginTimeout()
                : services.config().idleTimeout()).toMillis();
        timer = context.owner().setTimer(ms, id -> {
            timer = -1;
            if (busy && !idling && lineHandler == null && append == null) {
                armTimer(); // a long FETCH to a slow client is not inactivity
                return;
            }
            bye(state == State.NOT_AUTHENTICATED ? "Login timeout: authenticate within "
                    + services.config().loginTimeout().toSeconds() + " seconds"
                    : "Autologout: idle for too long");
        });
    }

    private void onClosed() {
        if (closed) {
            return;
        }
        closed = true;
        if (timer >= 0) {
            context.owner().cancelTimer(timer);
        }
        AppendSink sink = append;
        append = null;
        if (sink != null) {
            sink.abort();
        }
        if (watch != null) {
            watch.close();
        }
        if (accountPermit != null) {
            accountPermit.close();
        }
        ipPermit.close();
        services.sessionClosed(this);
    }
}
