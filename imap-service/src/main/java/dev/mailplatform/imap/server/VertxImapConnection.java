package dev.mailplatform.imap.server;

import dev.mailplatform.imap.session.ImapConnection;
import dev.mailplatform.protocol.VertxClientConnection;
import io.vertx.core.Context;
import io.vertx.core.net.NetSocket;
import java.time.Duration;
import org.jboss.logging.Logger;

/** A session's socket on its Vert.x event loop. */
final class VertxImapConnection extends VertxClientConnection implements ImapConnection {

    private static final Logger LOG = Logger.getLogger(VertxImapConnection.class);

    VertxImapConnection(Context context, NetSocket socket, String remoteIp, boolean tlsActive,
            boolean certificateConfigured, Duration outputStall) {
        super(context, socket, remoteIp, tlsActive, certificateConfigured, outputStall);
    }

    @Override
    public void startTls() {
        // The tagged OK was written before this runs (Reply.then), in plaintext, as RFC 3501 §6.2.1 wants.
        socket.upgradeToSsl(ar -> {
            if (ar.succeeded()) {
                tlsStarted();
            } else {
                LOG.debugf("TLS handshake with %s failed: %s", remoteIp(), ar.cause());
                socket.close();
            }
        });
    }

    @Override
    public void close() {
        socket.close();
    }
}
