package dev.mailplatform.protocol;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;

/**
 * A front end's graceful stop, on SIGTERM, once readiness is down (Quarkus' shutdown delay): new connections are
 * turned away, each session is asked to end at its next safe point, and whatever still runs at the deadline is cut.
 * The front end supplies its sessions; each ends itself on its own event loop.
 */
public final class Drain {

    /** A session that can end gracefully (after the command it runs) or at once. */
    public interface Session {
        /** Ends after the running command, or now when none runs; called on any thread. */
        void drain();

        /** Ends now; called on any thread, for sessions still open at the deadline. */
        void cut();
    }

    /** How the stop went: sessions that ended by themselves, and those cut at the deadline. */
    public record Result(int drained, int cut, Duration took) {
    }

    private static final long POLL_MILLIS = 20;

    private volatile boolean refusing;

    /** New connections are turned away with the protocol's "unavailable" answer. */
    public boolean refusing() {
        return refusing;
    }

    /**
     * Runs the stop on the calling thread (the shutdown thread, never an event loop) and returns when every session
     * has ended or the deadline cut the rest.
     */
    public Result run(Duration timeout, Supplier<? extends Collection<? extends Session>> open)
            throws InterruptedException {
        long start = System.nanoTime();
        refusing = true;
        List<? extends Session> asked = List.copyOf(open.get());
        asked.forEach(Session::drain);
        long deadline = start + timeout.toNanos();
        while (!open.get().isEmpty() && System.nanoTime() - deadline < 0) {
            Thread.sleep(POLL_MILLIS);
        }
        List<? extends Session> left = List.copyOf(open.get());
        left.forEach(Session::cut);
        return new Result(asked.size() - left.size(), left.size(), Duration.ofNanos(System.nanoTime() - start));
    }
}
