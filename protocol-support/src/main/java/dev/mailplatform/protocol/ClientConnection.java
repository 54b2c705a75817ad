package dev.mailplatform.protocol;

import java.util.concurrent.Executor;

/**
 * What a front end's session needs from its client's socket, so the session stays free of Vert.x. Every method is
 * called on the connection's event loop, and every callback runs there. Each protocol adds its own STARTTLS/STLS and
 * close.
 */
public interface ClientConnection {

    /** The client's address, from a trusted proxy's PROXY header when there is one. */
    String remoteIp();

    boolean tlsActive();

    /** Whether STARTTLS/STLS can be offered: a certificate is configured and TLS is not on yet. */
    boolean tlsAvailable();

    void write(byte[] bytes);

    void write(byte[] bytes, int offset, int length);

    /** True when the client reads slower than the session writes: stop producing until {@link #onDrain}. */
    boolean writeQueueFull();

    /**
     * Runs {@code then} once, when the write queue has drained. A client that does not drain it within the
     * output-stall timeout is disconnected instead. A second call replaces the first.
     */
    void onDrain(Runnable then);

    long setTimer(long delayMs, Runnable action);

    void cancelTimer(long id);

    /** Runs tasks on this connection's event loop, in order. */
    Executor eventLoop();

    void pauseReading();

    void resumeReading();
}
