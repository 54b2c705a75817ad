package dev.mailplatform.pop3.session;

import java.util.concurrent.Executor;

/**
 * What a session needs from its socket, so the state machine stays free of Vert.x. Every method is called on the
 * connection's event loop, and every callback runs there.
 */
public interface Pop3Connection {

    String remoteIp();

    boolean tlsActive();

    /** Whether STLS can be offered: a certificate is configured and TLS is not on yet. */
    boolean tlsAvailable();

    void write(byte[] bytes);

    void write(byte[] bytes, int offset, int length);

    boolean writeQueueFull();

    /** Runs {@code then} once, when the write queue has drained. */
    void onDrain(Runnable then);

    /** Writes {@code reply}, then starts the TLS handshake; {@code done} runs when TLS is up. */
    void startTls(byte[] reply, Runnable done);

    /** Closes once what was written is flushed. */
    void close();

    long setTimer(long delayMs, Runnable action);

    void cancelTimer(long id);

    /** Runs tasks on this connection's event loop, in order. */
    Executor eventLoop();

    void pauseReading();

    void resumeReading();
}
