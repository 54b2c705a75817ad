package dev.mailplatform.imap.session;

import dev.mailplatform.imap.protocol.ResponseWriter;
import dev.mailplatform.imap.store.AccountWatchers;
import dev.mailplatform.protocol.ConnectionLimits;
import dev.mailplatform.protocol.Drain;
import dev.mailplatform.store.v1.Account;
import java.util.concurrent.Executor;

/**
 * One IMAP connection: its state (RFC 3501 §3), its account, its output and its end. Everything here runs on the
 * connection's event loop; store replies are moved back onto it through {@link #executor()}. The input and the
 * command running are {@link CommandLoop}'s, the selected mailbox and its change sync {@link MailboxSync}'s, the
 * login and inactivity deadline {@link SessionTimer}'s; the socket is behind {@link ImapConnection}.
 */
public final class ImapSession implements Drain.Session {

    private final SessionServices services;
    private final ImapConnection connection;
    private final Executor executor;
    private final ConnectionLimits.Permit ipPermit;
    private final MailboxSync mailbox = new MailboxSync(this);
    private final SessionTimer timer;
    private final CommandLoop loop;

    private SessionState state = SessionState.NOT_AUTHENTICATED;
    private Account account;
    private ConnectionLimits.Permit accountPermit;
    private AccountWatchers.Registration watch;
    private int authFailures;
    private boolean closed;

    public ImapSession(SessionServices services, ImapConnection connection, ConnectionLimits.Permit ipPermit) {
        this.services = services;
        this.connection = connection;
        this.executor = connection.eventLoop();
        this.ipPermit = ipPermit;
        this.timer = new SessionTimer(connection);
        this.loop = new CommandLoop(this, connection, services);
    }

    public void start() {
        armTimer();
        send(new ResponseWriter().statusResponse("*", "OK", "CAPABILITY " + capabilities(),
                "Mail platform IMAP ready"));
    }

    // ---- accessors for handlers

    public SessionServices services() {
        return services;
    }

    public Executor executor() {
        return executor;
    }

    public SessionState state() {
        return state;
    }

    public Account account() {
        return account;
    }

    public long accountId() {
        return account.getId();
    }

    /** The selected mailbox and its change sync. */
    public MailboxSync mailbox() {
        return mailbox;
    }

    public SelectedMailbox selected() {
        return mailbox.selected();
    }

    public boolean tlsActive() {
        return connection.tlsActive();
    }

    public String remoteIp() {
        return connection.remoteIp();
    }

    public boolean plaintextAllowed() {
        return services.plaintextPolicy().allowed(connection.tlsActive(), connection.remoteIp());
    }

    public boolean startTlsAvailable() {
        return connection.tlsAvailable();
    }

    public String capabilities() {
        return Capabilities.of(services.commands().capabilities(), state, startTlsAvailable(), plaintextAllowed(),
                services.config().maxAppendSize());
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
        connection.write(bytes);
    }

    /** True when the client is slower than we produce: stop pulling from the store until {@link #onDrain}. */
    public boolean writeQueueFull() {
        return connection.writeQueueFull();
    }

    /** Runs {@code r} when the output drained; a client that stops reading is disconnected instead. */
    public void onDrain(Runnable r) {
        connection.onDrain(r);
    }

    public boolean closed() {
        return closed;
    }

    public void bye(String text) {
        bye(null, text);
    }

    public void bye(String code, String text) {
        send(new ResponseWriter().statusResponse("*", "BYE", code, text));
        close();
    }

    /** The instance is stopping: BYE after the running command, or now (see {@link CommandLoop#drain}). */
    @Override
    public void drain() {
        executor().execute(loop::drain);
    }

    /** The drain deadline passed with a command still running: BYE now. */
    @Override
    public void cut() {
        executor().execute(() -> {
            if (!closed) {
                bye("UNAVAILABLE", CommandLoop.SHUTTING_DOWN);
            }
        });
    }

    public void close() {
        if (!closed) {
            connection.close();
        }
        onClosed();
    }

    // ---- input

    /** Bytes from the client. */
    public void onData(byte[] bytes) {
        services.metrics().bytesIn(bytes.length);
        if (state != SessionState.NOT_AUTHENTICATED) {
            // Before login the timeout is an absolute deadline from the connect: input must not extend it, or a
            // client trickling bytes would hold its connection (and its per-IP slot) for ever.
            armTimer();
        }
        loop.onData(bytes);
    }

    /** The input side: the parser, the command running, the line or literal it reads. */
    public CommandLoop commandLoop() {
        return loop;
    }

    // ---- state changes

    /** After a successful LOGIN/AUTHENTICATE: the account's session limit, then the authenticated state. */
    /** Logs in as the account; a non-empty quota alert from the store goes first, as {@code * OK [ALERT]}. */
    public Reply loggedIn(Account a, String quotaAlert) {
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
        state = SessionState.AUTHENTICATED;
        watch = services.watchers().register(a.getId(), e -> executor.execute(() -> mailbox.onChange(e)));
        armTimer();
        if (quotaAlert != null && !quotaAlert.isBlank()) {
            // RFC 9051 7.1: the client must show an ALERT's text to the user.
            send(("* OK [ALERT] " + quotaAlert.replaceAll("[\\r\\n]", " ") + "\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return Reply.ok("CAPABILITY " + capabilities(), "Logged in");
    }

    public int authFailed() {
        services.metrics().authFailure();
        return ++authFailures;
    }

    /** Whether this session's account Watch stream is confirmed open ({@link AccountWatchers.Registration#ready}). */
    boolean watchReady() {
        AccountWatchers.Registration w = watch;
        return w != null && w.ready();
    }

    public void select(SelectedMailbox selected) {
        mailbox.select(selected);
        state = selected == null ? SessionState.AUTHENTICATED : SessionState.SELECTED;
    }

    public void logout() {
        state = SessionState.LOGOUT;
    }

    /** STARTTLS: the reply is written in plaintext; bytes pipelined after it are dropped (RFC 3501 §6.2.1). */
    public void upgradeToTls() {
        loop.resetParser();
        connection.startTls();
    }

    // ---- lifecycle

    private void armTimer() {
        if (closed) {
            timer.cancel();
            return;
        }
        long ms = (state == SessionState.NOT_AUTHENTICATED ? services.config().loginTimeout()
                : services.config().idleTimeout()).toMillis();
        timer.arm(ms, () -> {
            if (loop.runningWithoutInput() && !mailbox.idling()) {
                armTimer(); // a long FETCH to a slow client is not inactivity
                return;
            }
            bye(state == SessionState.NOT_AUTHENTICATED ? "Login timeout: authenticate within "
                    + services.config().loginTimeout().toSeconds() + " seconds"
                    : "Autologout: idle for too long");
        });
    }

    /** The connection closed (either side): releases everything the session holds, once. */
    public void onClosed() {
        if (closed) {
            return;
        }
        closed = true;
        timer.cancel();
        loop.abort();
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
