package dev.mailplatform.imap.session;

import dev.mailplatform.imap.protocol.ImapParser;
import dev.mailplatform.imap.protocol.ParseEvent;
import dev.mailplatform.imap.protocol.ResponseWriter;
import dev.mailplatform.imap.protocol.command.Command;
import io.smallrye.mutiny.Uni;
import java.util.function.Consumer;

/**
 * A session's input side: feeds the client's bytes to the parser and runs the commands it yields, one at a time,
 * through the command registry. While one runs, reading stops (pipelined input waits, bounded, in the parser),
 * except while APPEND streams its literal or IDLE and AUTHENTICATE wait for a line. A command never starts while
 * the mailbox sync writes changes, and its tagged reply follows the changes it may show. Event loop only.
 */
public final class CommandLoop {

    private final ImapSession session;
    private final ImapConnection connection;
    private final SessionServices services;
    private ImapParser parser;
    private boolean busy;
    /** Set while a command reads raw lines (AUTHENTICATE continuations, IDLE's DONE). */
    private Consumer<String> lineHandler;
    /** Set while APPEND streams its literal; null otherwise. */
    private AppendSink append;
    /** The instance is stopping: no further command starts, the session ends after the running one. */
    private boolean draining;
    static final String SHUTTING_DOWN = "shutting down";

    CommandLoop(ImapSession session, ImapConnection connection, SessionServices services) {
        this.session = session;
        this.connection = connection;
        this.services = services;
        this.parser = services.newParser();
    }

    void onData(byte[] bytes) {
        parser.feed(bytes, 0, bytes.length);
        pump();
    }

    /** Processes parser events until it needs more bytes or a command is running that reads no input. */
    private void pump() {
        while (!session.closed()) {
            if ((busy || session.mailbox().syncing()) && !wantsInput()) {
                connection.pauseReading();
                return;
            }
            // A client that pipelines commands without reading the replies: stop reading until it catches up,
            // or the replies would pile up in memory without bound.
            if (connection.writeQueueFull() && !wantsInput()) {
                connection.pauseReading();
                connection.onDrain(this::pump);
                return;
            }
            ParseEvent event = parser.next();
            if (event instanceof ParseEvent.NeedMore) {
                connection.resumeReading();
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
        session.executor().execute(this::pump);
    }

    private void handle(ParseEvent event) {
        if (event instanceof ParseEvent.Request r) {
            dispatch(r.command());
        } else if (event instanceof ParseEvent.Continue) {
            session.send(new ResponseWriter().continuation("Ready for literal data").toBytes());
        } else if (event instanceof ParseEvent.Bad b) {
            session.send(new ResponseWriter().statusResponse(b.tag() == null ? "*" : b.tag(), "BAD", null,
                    b.reason()));
            services.metrics().command("INVALID", "BAD", 0);
        } else if (event instanceof ParseEvent.Fatal f) {
            session.bye(f.reason());
        } else if (event instanceof ParseEvent.Line l) {
            Consumer<String> h = lineHandler;
            lineHandler = null;
            if (h != null) {
                h.accept(l.text());
            }
        } else if (event instanceof ParseEvent.AppendStart a) {
            Commands.Entry entry = services.commands().entry(a.name());
            if (entry.states().contains(session.state())) {
                entry.streaming().start(session, a);
            } else {
                entry.streaming().refuse(session, a, Reply.bad(a.name() + " is not allowed "
                        + describe(session.state())));
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

    /** Marks a command as running; APPEND calls it itself, as the socket keeps feeding its literal. */
    public long beginCommand() {
        busy = true;
        return System.nanoTime();
    }

    private void dispatch(Command command) {
        Commands.Entry entry = services.commands().entry(command.name());
        if (entry == null) {
            session.send(new ResponseWriter().statusResponse(command.tag(), "BAD", null,
                    "Unknown command " + command.name()));
            return;
        }
        if (!entry.states().contains(session.state())) {
            session.send(new ResponseWriter().statusResponse(command.tag(), "BAD", null,
                    command.name() + " is not allowed " + describe(session.state())));
            services.metrics().command(command.name(), "BAD", 0);
            return;
        }
        long start = beginCommand();
        Uni<Reply> reply;
        try {
            reply = entry.handle(session, command);
        } catch (RuntimeException e) {
            reply = Uni.createFrom().failure(e);
        }
        reply.emitOn(session.executor()).subscribe().with(
                r -> complete(command.tag(), command.name(), entry.mayExpunge(), r, start),
                t -> complete(command.tag(), command.name(), entry.mayExpunge(), StoreReplies.of(t, command.name()),
                        start));
    }

    private static String describe(SessionState s) {
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
        if (session.closed()) {
            return;
        }
        MailboxSync mailbox = session.mailbox();
        Uni<Void> pending = mayExpunge && reply.status() != Reply.Status.BAD ? mailbox.sync() : mailbox.done();
        pending.emitOn(session.executor()).subscribe().with(v -> finish(tag, name, reply, start),
                t -> finish(tag, name, reply, start));
    }

    private void finish(String tag, String name, Reply reply, long start) {
        if (session.closed()) {
            return;
        }
        services.metrics().command(name, reply.status().name(), System.nanoTime() - start);
        session.send(new ResponseWriter().statusResponse(tag, reply.status().name(), reply.code(), reply.text()));
        busy = false;
        if (reply.afterWrite() != null) {
            reply.afterWrite().run();
        }
        if (draining && !session.closed()) {
            session.bye("UNAVAILABLE", SHUTTING_DOWN);
        }
        if (!session.closed()) {
            pump();
        }
    }

    /**
     * The instance is stopping: {@code * BYE [UNAVAILABLE]} now when no command runs or the one running waits for a
     * line (IDLE's DONE, an AUTHENTICATE response), else right after its tagged reply, so an APPEND that is uploading
     * finishes and gets its OK first.
     */
    void drain() {
        draining = true;
        if (!session.closed() && (!busy || lineHandler != null)) {
            session.bye("UNAVAILABLE", SHUTTING_DOWN);
        }
    }

    /** A change sync wrote its responses: a command that waited for it may start. */
    void syncEnded() {
        if (!busy && !session.closed()) {
            pump();
        }
    }

    /** STARTTLS: bytes the client pipelined after the command are dropped (RFC 3501 §6.2.1). */
    void resetParser() {
        parser = services.newParser();
    }

    /** A command runs that waits for neither the client nor its own input (a long FETCH): not inactivity. */
    boolean runningWithoutInput() {
        return busy && lineHandler == null && append == null;
    }

    /** The connection closed: an APPEND in flight must store nothing. */
    void abort() {
        AppendSink sink = append;
        append = null;
        if (sink != null) {
            sink.abort();
        }
    }
}
