package dev.mailplatform.store.domain;

import dev.mailplatform.store.error.StoreException;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.Supplier;

/**
 * What one store call may spend in PostgreSQL, and its way to stop: the statements {@link Db} runs for a call carry
 * the statement timeout of the call's class, and a {@link #cancel()} (its client cancelled, or its deadline passed)
 * cancels the statement that is running and fails the ones after it. Without a budget a statement gets the
 * {@link Kind#CALL} timeout.
 */
public final class CallBudget {

    /** The call classes, each with its own statement timeout ({@code mail.store.statement-timeout.*}). */
    public enum Kind {
        /** Every front-end call but SEARCH. */
        CALL,
        /** SEARCH: its cost is the client's choice (a body substring no index can serve scans every body). */
        SEARCH,
        /** Background jobs (retention, blob collection), whose batches may be large. */
        JOB
    }

    private static final ThreadLocal<CallBudget> CURRENT = new ThreadLocal<>();

    private final Kind kind;
    private boolean cancelled;
    private Statement running;

    public CallBudget(Kind kind) {
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    /** Runs work on this thread under this budget. */
    public <T> T run(Supplier<T> work) {
        CallBudget outer = CURRENT.get();
        CURRENT.set(this);
        try {
            return work.get();
        } finally {
            CURRENT.set(outer);
        }
    }

    static CallBudget current() {
        return CURRENT.get();
    }

    /** Stops the call: its running statement is cancelled in PostgreSQL, and any later one fails at once. */
    public void cancel() {
        Statement s;
        synchronized (this) {
            cancelled = true;
            s = running;
        }
        if (s != null) {
            try {
                s.cancel();
            } catch (SQLException | RuntimeException e) {
                // The statement finished or its connection broke meanwhile: nothing left to stop.
            }
        }
    }

    public synchronized boolean cancelled() {
        return cancelled;
    }

    synchronized void enter(Statement s) {
        if (cancelled) {
            throw StoreException.cancelled();
        }
        running = s;
    }

    synchronized void exit(Statement s) {
        if (running == s) {
            running = null;
        }
    }
}
