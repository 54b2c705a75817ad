package dev.mailplatform.pop3.server;

import dev.mailplatform.pop3.session.Pop3Connection;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.util.concurrent.Executor;

/** A session's socket on its Vert.x event loop. */
final class VertxPop3Connection implements Pop3Connection {

    private final Vertx vertx;
    private final Context context;
    private final NetSocket socket;
    private final boolean certificateConfigured;
    private final String remoteIp;
    private final Executor eventLoop;
    private final long outputStallMillis;
    /** The output-stall timer while waiting for the socket to drain, or -1; used on the event loop only. */
    private long stallTimer = -1;
    private boolean tls;

    /** {@code remoteIp}: the client's address, from a trusted proxy's PROXY header when there is one. */
    VertxPop3Connection(Vertx vertx, Context context, NetSocket socket, String remoteIp, boolean certificateConfigured,
            java.time.Duration outputStall) {
        this.vertx = vertx;
        this.outputStallMillis = Math.max(1, outputStall.toMillis());
        this.context = context;
        this.socket = socket;
        this.certificateConfigured = certificateConfigured;
        this.tls = socket.isSsl();
        this.remoteIp = remoteIp;
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
        stallTimer = vertx.setTimer(outputStallMillis, id -> {
            stallTimer = -1;
            socket.drainHandler(null);
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
    public void startTls(byte[] reply, Runnable done) {
        socket.write(Buffer.buffer(reply)).onComplete(written -> {
            if (written.failed()) {
                socket.close();
                return;
            }
            socket.upgradeToSsl().onComplete(upgraded -> {
                if (upgraded.succeeded()) {
                    tls = true;
                    done.run();
                } else {
                    socket.close();
                }
            });
        });
    }

    @Override
    public void close() {
        socket.end();
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
