package dev.mailplatform.lmtp.server;

import dev.mailplatform.lmtp.protocol.Reply;
import dev.mailplatform.lmtp.session.LmtpSession;
import dev.mailplatform.lmtp.session.SessionServices;
import dev.mailplatform.protocol.ConnectionLimits;
import dev.mailplatform.protocol.TlsMaterial;
import dev.mailplatform.protocol.TlsSettings;
import dev.mailplatform.protocol.TrustedProxies;
import io.netty.util.NetUtil;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.net.InetAddress;
import java.util.Optional;

/**
 * One event loop's LMTP listener (STARTTLS when a certificate is configured). Several instances share the port;
 * Vert.x spreads connections over their event loops. Only mail.lmtp.allowed-networks get a greeting.
 */
final class LmtpListener extends AbstractVerticle {

    private final SessionServices services;
    private final Optional<TlsSettings> tls;
    private final TrustedProxies allowed;
    private final ConnectionLimits limits;
    private NetServer server;

    LmtpListener(SessionServices services, Optional<TlsSettings> tls, TrustedProxies allowed,
            ConnectionLimits limits) {
        this.services = services;
        this.tls = tls;
        this.allowed = allowed;
        this.limits = limits;
    }

    @Override
    public void start(Promise<Void> started) {
        var cfg = services.config();
        NetServerOptions options = tls.map(t -> TlsMaterial.serverOptions(t, false)).orElseGet(NetServerOptions::new);
        options.setHost(cfg.host()).setPort(cfg.port()).setTcpNoDelay(true);
        server = vertx.createNetServer(options).connectHandler(this::accept);
        server.listen().onComplete(ar -> {
            if (ar.succeeded()) {
                started.complete();
            } else {
                started.fail(ar.cause());
            }
        });
    }

    private void accept(NetSocket socket) {
        String ip = socket.remoteAddress().hostAddress();
        if (!allowedAddress(ip)) {
            // RFC 5321 §3.1: 554 instead of the greeting; the MTA must not try this server again for this mail.
            services.metrics().refused();
            socket.write(Buffer.buffer(Reply.plain(554, "5.7.1 " + services.config().serverName()
                    + " LMTP is not available to " + ip)));
            socket.end();
            return;
        }
        if (services.drain().refusing()) {
            // Stopping: the listener stays open (closing it would drop the sessions still finishing), callers go.
            socket.write(Buffer.buffer(Reply.SHUTTING_DOWN.bytes()));
            socket.end();
            return;
        }
        ConnectionLimits.Admission admission = limits.admit(ip);
        ConnectionLimits.Permit permit = admission.permit();
        if (permit == null) {
            services.metrics().refused();
            socket.write(Buffer.buffer(Reply.plain(421, "4.3.2 " + services.config().serverName()
                    + " too many connections, try again later")));
            socket.end();
            return;
        }
        Context context = vertx.getOrCreateContext();
        VertxLmtpConnection conn = new VertxLmtpConnection(context, socket, ip, tls.isPresent(),
                services.config().outputStallTimeout());
        LmtpSession session = new LmtpSession(conn, services);
        socket.handler(buffer -> session.onData(buffer.getBytes()));
        socket.closeHandler(v -> {
            permit.close();
            session.onClosed();
        });
        socket.exceptionHandler(t -> socket.close());
        session.start();
    }

    private boolean allowedAddress(String ip) {
        InetAddress a = ip == null ? null : NetUtil.createInetAddressFromIpAddressString(ip);
        return a != null && allowed.contains(a);
    }

    @Override
    public void stop(Promise<Void> stopped) {
        server.close().onComplete(ar -> stopped.complete());
    }
}
