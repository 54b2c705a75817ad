package dev.mailplatform.lmtp.server;

import dev.mailplatform.lmtp.session.LmtpConnection;
import dev.mailplatform.protocol.VertxClientConnection;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.time.Duration;

/** A session's socket on its Vert.x event loop. */
final class VertxLmtpConnection extends VertxClientConnection implements LmtpConnection {

    /** {@code remoteIp}: the client's address, from a trusted proxy's PROXY header when there is one. */
    VertxLmtpConnection(Context context, NetSocket socket, String remoteIp, boolean certificateConfigured,
            Duration outputStall) {
        super(context, socket, remoteIp, socket.isSsl(), certificateConfigured, outputStall);
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
                    tlsStarted();
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
}
