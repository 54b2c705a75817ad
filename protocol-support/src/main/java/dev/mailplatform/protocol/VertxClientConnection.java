package dev.mailplatform.protocol;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.time.Duration;
import java.util.concurrent.Executor;

/** A client's socket on its Vert.x event loop; each front end's subclass adds its protocol's TLS upgrade and close. */
public abstract class VertxClientConnection implements ClientConnection {

    private static final System.Logger LOG = System.getLogger(VertxClientConnection.class.getName());

    private final Vertx vertx;
    protected final NetSocket socket;
    private final String remoteIp;
    private final boolean certificateConfigured;
    private final Duration outputStall;
    private final Executor eventLoop;
    /** The output-stall timer while waiting for the socket to drain, or -1; used on the event loop only. */
    private long stallTimer = -1;
    private boolean tls;

    /** {@code remoteIp}: the client's address, from a trusted proxy's PROXY header when there is one. */
    protected VertxClientConnection(Context context, NetSocket socket, String remoteIp, boolean tlsActive,
            boolean certificateConfigured, Duration outputStall) {
        this.vertx = context.owner();
        this.socket = socket;
        this.remoteIp = remoteIp;
        this.tls = tlsActive;
        this.certificateConfigured = certificateConfigured;
        this.outputStall = outputStall;
        this.eventLoop = task -> context.runOnContext(v -> task.run());
    }

    @Override
    public String remoteIp() {
        return remoteIp;
    }

    @Override
    public boolean tlsActive() {
        return tls;
    }

    /** The TLS handshake after STARTTLS/STLS succeeded. */
    protected void tlsStarted() {
        tls = true;
    }

    @Override
    public boolean tlsAvailable() {
        return certificateConfigured && !tls;
    }

    @Override
    public void write(byte[] bytes) {
        socket.write(Buffer.buffer(bytes));
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
        socket.write(Buffer.buffer(length).appendBytes(bytes, offset, length));
    }

    @Override
    public boolean writeQueueFull() {
        return socket.writeQueueFull();
    }

    @Override
    public void onDrain(Runnable then) {
        // A client that stopped reading would hold its session, and the store stream behind it, for ever. One timer
        // per connection: a second wait replaces the first's handler, and must replace its timer too.
        if (stallTimer >= 0) {
            vertx.cancelTimer(stallTimer);
        }
        stallTimer = vertx.setTimer(Math.max(1, outputStall.toMillis()), id -> {
            stallTimer = -1;
            socket.drainHandler(null);
            LOG.log(System.Logger.Level.DEBUG, () -> "closing the connection from " + remoteIp
                    + ": its output has not drained for " + outputStall);
            socket.close();
        });
        socket.drainHandler(v -> {
            if (stallTimer >= 0) {
                vertx.cancelTimer(stallTimer);
                stallTimer = -1;
            }
            socket.drainHandler(null);
            then.run();
        });
    }

    @Override
    public long setTimer(long delayMs, Runnable action) {
        return vertx.setTimer(delayMs, id -> action.run());
    }

    @Override
    public void cancelTimer(long id) {
        vertx.cancelTimer(id);
    }

    @Override
    public Executor eventLoop() {
        return eventLoop;
    }

    @Override
    public void pauseReading() {
        socket.pause();
    }

    @Override
    public void resumeReading() {
        socket.resume();
    }
}
