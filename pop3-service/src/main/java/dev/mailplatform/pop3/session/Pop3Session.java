package dev.mailplatform.pop3.session;

import dev.mailplatform.pop3.protocol.Command;
import dev.mailplatform.pop3.protocol.CommandLineParser;
import dev.mailplatform.pop3.protocol.Reply;
import dev.mailplatform.pop3.store.StoreCallException;
import dev.mailplatform.protocol.Drain;
import dev.mailplatform.protocol.StoreFailure;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * One POP3 connection's state machine. All of it runs on the connection's event loop, so it needs no locks.
 * Commands run one at a time in arrival order (PIPELINING): lines that arrive while one runs wait in a queue, and
 * reading pauses when that queue grows.
 */
public final class Pop3Session implements CommandLineParser.Sink, Drain.Session {

    private static final Logger LOG = Logger.getLogger(Pop3Session.class);
    private static final String TOO_LONG = "\0too-long";
    private static final int PAUSE_AT = 64;

    private final Pop3Connection conn;
    private final SessionServices services;
    private final CommandLineParser parser;
    private final ArrayDeque<String> pending = new ArrayDeque<>();

    private SessionState state = SessionState.AUTHORIZATION;
    private boolean busy;
    private boolean pumping;
    private boolean closed;
    private boolean paused;
    private boolean upgrading;
    /** The instance is stopping: the session closes after the running command, without UPDATE. */
    private boolean draining;
    private boolean utf8;
    private String currentCommand;
    private long commandStart;
    private Consumer<String> continuation;

    private String pendingUser;
    private int authFailures;
    private long accountId;
    private String account;
    private Maildrop maildrop;
    private MaildropReader reader;
    private long renewTimer = -1;
    private long idleTimer = -1;
    private long loginTimer = -1;
    private long lastActivity = System.nanoTime();

    public Pop3Session(Pop3Connection conn, SessionServices services) {
        this.conn = conn;
        this.services = services;
        this.parser = new CommandLineParser(services.config().maxLineLength());
    }

    public void start() {
        services.sessions().add(this);
        services.metrics().sessionOpened();
        conn.write(Reply.ok("POP3 server ready"));
        armIdleTimer(services.config().idleTimeout().toMillis());
        loginTimer = conn.setTimer(Math.max(1, services.config().loginTimeout().toMillis()), () -> {
            loginTimer = -1;
            if (!closed && state == SessionState.AUTHORIZATION) {
                write(Reply.err("no login within " + services.config().loginTimeout().toSeconds()
                        + " seconds, closing"));
                close();
            }
        });
    }

    // ---- input ----

    public void onData(byte[] data) {
        if (closed || upgrading) {
            // Bytes pipelined behind STLS before the handshake are dropped (RFC 2595 §3.1 injection attack).
            return;
        }
        services.metrics().bytesIn(data.length);
        parser.feed(data, this);
    }

    @Override
    public void line(String line) {
        enqueue(line);
    }

    @Override
    public void lineTooLong() {
        enqueue(TOO_LONG);
    }

    private void enqueue(String line) {
        lastActivity = System.nanoTime();
        pending.add(line);
        if (pending.size() >= PAUSE_AT && !paused) {
            paused = true;
            conn.pauseReading();
        }
        pump();
    }

    private void pump() {
        if (pumping) {
            return;
        }
        pumping = true;
        try {
            while (!busy && !closed && !pending.isEmpty()) {
                dispatch(pending.poll());
            }
            if (paused && pending.size() < PAUSE_AT / 4 && !closed) {
                paused = false;
                conn.resumeReading();
            }
        } finally {
            pumping = false;
        }
    }

    private void dispatch(String line) {
        busy = true;
        commandStart = System.nanoTime();
        if (line == TOO_LONG) {
            currentCommand = "TOO-LONG";
            continuation = null;
            parser.limit(services.config().maxLineLength());
            reply(Reply.err("line too long (at most " + parser.limitInUse() + " octets with CRLF)"));
            return;
        }
        if (continuation != null) {
            Consumer<String> c = continuation;
            continuation = null;
            parser.limit(services.config().maxLineLength());
            c.accept(line);
            return;
        }
        Command command = Command.parse(line);
        Commands.Entry entry = services.commands().entry(command.name());
        if (entry == null) {
            currentCommand = "UNKNOWN";
            reply(Reply.err("unknown command"));
            return;
        }
        currentCommand = entry.name();
        if (!entry.states().contains(state)) {
            reply(Reply.err(entry.name() + " is not allowed in the " + state.name() + " state"));
            return;
        }
        try {
            entry.handler().handle(this, command);
        } catch (RuntimeException e) {
            if (busy) {
                fail(e);
            } else {
                LOG.errorf(e, "after %s replied", currentCommand);
            }
        }
    }

    // ---- output: each command ends with reply() or finish() ----

    /** Writes the command's whole reply and lets the next command run. */
    public void reply(byte[] bytes) {
        write(bytes);
        finish(bytes.length > 0 && bytes[0] == '+');
    }

    /** Ends a command whose reply was written piecewise (RETR, TOP). */
    public void finish(boolean ok) {
        if (!busy) {
            throw new IllegalStateException(currentCommand + " replied twice");
        }
        services.metrics().command(currentCommand, ok ? "ok" : "err", System.nanoTime() - commandStart);
        busy = false;
        lastActivity = System.nanoTime();
        if (draining) {
            close();
            return;
        }
        if (!pumping) {
            pump();
        }
    }

    public void write(byte[] bytes) {
        write(bytes, 0, bytes.length);
    }

    public void write(byte[] bytes, int offset, int length) {
        if (!closed) {
            services.metrics().bytesOut(length);
            conn.write(bytes, offset, length);
        }
    }

    /** Maps a failure to its reply once: store failures to response codes, anything else to an internal error. */
    public byte[] errorReply(Throwable t) {
        if (t instanceof StoreCallException e) {
            StoreFailure f = e.failure();
            switch (f) {
                case UNAVAILABLE:
                    return Reply.err(Reply.Code.SYS_TEMP, "the mail store is unavailable, try again later");
                case IN_USE:
                    return Reply.err(Reply.Code.IN_USE, "maildrop is locked by another session");
                case CANNOT:
                    if (e.loginDelay()) {
                        return Reply.err(Reply.Code.LOGIN_DELAY, "logged in too recently, " + e.getMessage());
                    }
                    break;
                case NONEXISTENT:
                    return Reply.err(Reply.Code.SYS_TEMP, "message or maildrop no longer exists");
                case LIMIT:
                    return Reply.err(Reply.Code.SYS_TEMP, "the mail store is too busy for this now, try again later");
                default:
                    break;
            }
        }
        String id = UUID.randomUUID().toString().substring(0, 8);
        LOG.errorf(t, "internal error (id %s) in %s for %s", id, currentCommand, conn.remoteIp());
        return Reply.err(Reply.Code.SYS_PERM, "internal error (id " + id + ")");
    }

    public void fail(Throwable t) {
        reply(errorReply(t));
    }

    // ---- the maildrop and the lease ----

    /** Enters TRANSACTION with the locked maildrop and keeps the lease alive on a timer. */
    public void enterTransaction(long accountId, String account, Maildrop maildrop) {
        this.accountId = accountId;
        this.account = account;
        this.maildrop = maildrop;
        this.reader = new MaildropReader(services.store(), conn, accountId, maildrop);
        this.state = SessionState.TRANSACTION;
        if (loginTimer >= 0) {
            conn.cancelTimer(loginTimer);
            loginTimer = -1;
        }
        scheduleRenewal();
    }

    private void scheduleRenewal() {
        long every = Math.max(1000L, services.config().leaseDuration().toMillis() / 3);
        renewTimer = conn.setTimer(every, () -> {
            renewTimer = -1;
            if (closed || state != SessionState.TRANSACTION) {
                return;
            }
            services.store().renewLease(accountId, maildrop.snapshot().leaseId(), services.config().leaseDuration())
                    .emitOn(conn.eventLoop())
                    .subscribe().with(ok -> {
                        if (!closed && state == SessionState.TRANSACTION) {
                            scheduleRenewal();
                        }
                    }, t -> {
                        StoreCallException e = (StoreCallException) t;
                        if (e.failure() == StoreFailure.NONEXISTENT) {
                            // Another session took the maildrop after our lease ran out: continuing could delete
                            // what it sees. Close without UPDATE.
                            LOG.warnf("lease of account %d lost, closing %s", accountId, conn.remoteIp());
                            write(Reply.err(Reply.Code.SYS_TEMP, "maildrop lock lost, closing; nothing deleted"));
                            close();
                        } else if (!closed && state == SessionState.TRANSACTION) {
                            LOG.warnf("lease renewal failed (%s), retrying", e.failure());
                            scheduleRenewal();
                        }
                    });
        });
    }

    /** RFC 1939 UPDATE: applies the DELE marks atomically and releases the lease. */
    public void enterUpdate() {
        state = SessionState.UPDATE;
        cancelRenewal();
        reader.close();
    }

    private void cancelRenewal() {
        if (renewTimer >= 0) {
            conn.cancelTimer(renewTimer);
            renewTimer = -1;
        }
    }

    // ---- idle ----

    private void armIdleTimer(long delayMs) {
        idleTimer = conn.setTimer(Math.max(1, delayMs), () -> {
            idleTimer = -1;
            if (closed) {
                return;
            }
            long idleMs = (System.nanoTime() - lastActivity) / 1_000_000;
            long limit = services.config().idleTimeout().toMillis();
            if (busy || idleMs < limit) {
                armIdleTimer(busy ? limit : limit - idleMs);
                return;
            }
            // RFC 1939 autologout: no UPDATE, the lease is released by close().
            write(Reply.err("idle for more than " + services.config().idleTimeout().toSeconds()
                    + " seconds, closing; nothing deleted"));
            close();
        });
    }

    // ---- end of the connection ----

    /**
     * The instance is stopping: the running command finishes (a RETR is sent whole), then the connection closes
     * without UPDATE, so no DELE is committed and the lease is released; with no command running, it closes now.
     */
    @Override
    public void drain() {
        conn.eventLoop().execute(() -> {
            draining = true;
            if (!busy) {
                close();
            }
        });
    }

    /** The drain deadline passed with a command still running. */
    @Override
    public void cut() {
        conn.eventLoop().execute(this::close);
    }

    /** Closes the connection after what was written; no UPDATE happens unless QUIT ran it. */
    public void close() {
        if (!closed) {
            conn.close();
            onClosed();
        }
    }

    /** The socket is gone (QUIT, a drop, a timeout): release everything, delete nothing. */
    public void onClosed() {
        if (closed) {
            return;
        }
        closed = true;
        services.metrics().sessionClosed();
        cancelRenewal();
        if (reader != null) {
            reader.close();
        }
        if (loginTimer >= 0) {
            conn.cancelTimer(loginTimer);
            loginTimer = -1;
        }
        if (idleTimer >= 0) {
            conn.cancelTimer(idleTimer);
        }
        if (state == SessionState.TRANSACTION) {
            // A graceful stop waits for this too, or the lock would outlive the process until its lease expires.
            recordRetrievalsAndRelease(() -> services.sessions().remove(this));
        } else {
            services.sessions().remove(this);
        }
    }

    /**
     * Without UPDATE: records what RETR sent (best effort, one call; it needs the lease, so it goes first), then
     * releases the lease, then runs {@code done} (whatever the outcome). Nothing is deleted.
     */
    public void recordRetrievalsAndRelease(Runnable done) {
        long id = accountId;
        String lease = maildrop.snapshot().leaseId();
        List<Integer> retrieved = maildrop.retrievedUids();
        Runnable release = () -> services.store().release(id, lease).subscribe().with(ok -> done.run(), t -> {
            LOG.warnf("releasing the lease of account %d failed (%s); it expires by itself", id,
                    ((StoreCallException) t).failure());
            done.run();
        });
        if (retrieved.isEmpty()) {
            release.run();
            return;
        }
        services.store().recordRetrieval(id, lease, retrieved, services.config().retrSetsSeen()).subscribe()
                .with(ok -> release.run(), t -> {
                    // The client has the messages; only their retention clock (and \Seen) did not start.
                    LOG.warnf("recording %d retrievals of account %d failed (%s)", retrieved.size(), id,
                            ((StoreCallException) t).failure());
                    release.run();
                });
    }

    // ---- authorization helpers ----

    /** Counts a failed login; true when the connection has used up its attempts. */
    public boolean authFailed() {
        authFailures++;
        services.metrics().authFailure();
        return authFailures >= services.config().maxAuthFailures();
    }

    public boolean plaintextAllowed() {
        return services.plaintextPolicy().allowed(conn.tlsActive(), conn.remoteIp());
    }

    /** Reads the next line as a SASL response instead of a command (RFC 5034), with the SASL line limit. */
    public void expectContinuation(byte[] prompt, Consumer<String> next) {
        continuation = next;
        parser.limit(services.config().maxSaslLineLength());
        write(prompt);
        // The command is still running; it ends when the continuation replies.
        busy = false;
        if (!pumping) {
            pump();
        }
    }

    /** STLS: +OK, then the handshake; the parser and the queue start afresh under TLS. */
    public void startTls(byte[] ok) {
        upgrading = true;
        parser.reset();
        pending.clear();
        services.metrics().bytesOut(ok.length);
        conn.startTls(ok, () -> {
            upgrading = false;
            finish(true);
        });
    }

    // ---- CAPA ----

    public List<String> capabilities() {
        List<String> caps = new ArrayList<>();
        caps.add("TOP");
        caps.add("UIDL");
        caps.add("PIPELINING");
        caps.add("RESP-CODES");
        caps.add("AUTH-RESP-CODE");
        if (state == SessionState.AUTHORIZATION) {
            if (plaintextAllowed()) {
                caps.add("USER");
                caps.add("SASL PLAIN");
            }
            if (conn.tlsAvailable()) {
                caps.add("STLS");
            }
            caps.add("UTF8");
            caps.add("EXPIRE " + services.config().expireBeforeLogin() + " USER");
            caps.add("LOGIN-DELAY " + services.config().loginDelayBeforeLogin() + " USER");
        } else {
            int days = maildrop.snapshot().retentionDays();
            caps.add("EXPIRE " + (days < 0 ? "NEVER" : Integer.toString(days)));
            caps.add("LOGIN-DELAY " + maildrop.snapshot().loginDelaySeconds());
        }
        caps.add("IMPLEMENTATION mail-platform-pop3");
        return caps;
    }

    // ---- accessors for the handlers ----

    public SessionState state() {
        return state;
    }

    public SessionServices services() {
        return services;
    }

    public Pop3Connection connection() {
        return conn;
    }

    /** RETR's source of message bytes; only in TRANSACTION. */
    public MaildropReader reader() {
        return reader;
    }

    public Maildrop maildrop() {
        return maildrop;
    }

    public long accountId() {
        return accountId;
    }

    public String account() {
        return account;
    }

    public String pendingUser() {
        return pendingUser;
    }

    public void pendingUser(String user) {
        this.pendingUser = user;
    }

    public boolean utf8() {
        return utf8;
    }

    public void enableUtf8() {
        utf8 = true;
    }

    public boolean isClosed() {
        return closed;
    }

    /** The owner recorded with the lease, for operators looking at a stuck lock. */
    public String leaseOwner() {
        return services.instance() + "/" + conn.remoteIp();
    }

    /**
     * Parses a message-number argument against the maildrop; on a bad one writes the -ERR and returns -1. Deleted
     * messages are refused as RFC 1939 asks.
     */
    public int messageNumber(String arg) {
        int n;
        try {
            n = Integer.parseInt(arg);
        } catch (NumberFormatException e) {
            reply(Reply.err("invalid message number: " + truncate(arg)));
            return -1;
        }
        if (!maildrop.exists(n)) {
            reply(Reply.err("no such message, only " + maildrop.total() + " in maildrop"));
            return -1;
        }
        if (maildrop.deleted(n)) {
            reply(Reply.err("message " + n + " already deleted"));
            return -1;
        }
        return n;
    }

    public static String truncate(String s) {
        return s.length() > 20 ? s.substring(0, 20) + "..." : s;
    }

    public static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
