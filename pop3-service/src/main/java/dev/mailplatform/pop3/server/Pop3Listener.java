package dev.mailplatform.pop3.server;

import dev.mailplatform.pop3.protocol.Reply;
import dev.mailplatform.pop3.session.Pop3Session;
import dev.mailplatform.pop3.session.SessionServices;
import dev.mailplatform.protocol.ConnectionLimits;
import dev.mailplatform.protocol.ProxyProtocolGate;
import dev.mailplatform.protocol.TlsMaterial;
import dev.mailplatform.protocol.TlsSettings;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One event loop's listeners: plain POP3 (with STLS when a certificate is configured) and POP3S. Several instances
 * share the ports; Vert.x spreads connections over their event loops.
 */
final class Pop3Listener extends AbstractVerticle {

    private final SessionServices services;
    private final Optional<TlsSettings> tls;
    private final ProxyProtocolGate gate;
    private final List<NetServer> servers = new ArrayList<>();

    Pop3Listener(SessionServices services, Optional<TlsSettings> tls, ProxyProtocolGate gate) {
        this.services = services;
        this.tls = tls;
        this.gate = gate;
    }

    @Override
    public void start(Promise<Void> started) {
        var cfg = services.config();
        NetServerOptions plain = tls.map(t -> TlsMaterial.serverOptions(t, false)).orElseGet(NetServerOptions::new);
        List<Future<NetServer>> listening = new ArrayList<>();
        listening.add(listen(plain.setHost(cfg.host()).setPort(cfg.port()), false));
        tls.ifPresent(t -> listening.add(listen(gate.implicitTlsOptions(t).setHost(cfg.host()).setPort(cfg.tlsPort()),
                true)));
        Future.all(listening).onComplete(ar -> {
            if (ar.succeeded()) {
                started.complete();
            } else {
                started.fail(ar.cause());
            }
        });
    }

    private Future<NetServer> listen(NetServerOptions options, boolean implicitTls) {
        options.setTcpNoDelay(true);
        NetServer server = vertx.createNetServer(options)
                .connectHandler(socket -> gate.accept(socket, implicitTls, this::accept));
        servers.add(server);
        return server.listen();
    }

    /** A connection with its client's address (a trusted proxy's header already read): the limits, then a session. */
    private void accept(NetSocket socket, String remoteIp) {
        if (services.drain().refusing()) {
            // Stopping: the listener stays open (closing it would drop the sessions still finishing), callers go.
            socket.write(io.vertx.core.buffer.Buffer.buffer(Reply.err(Reply.Code.SYS_TEMP,
                    "server shutting down, try again later")));
            socket.end();
            return;
        }
        Context context = vertx.getOrCreateContext();
        VertxPop3Connection conn = new VertxPop3Connection(context, socket, remoteIp, tls.isPresent(),
                services.config().outputStallTimeout());
        ConnectionLimits.Admission admission = services.limits().admit(conn.remoteIp());
        ConnectionLimits.Permit permit = admission.permit();
        if (permit == null) {
            socket.write(io.vertx.core.buffer.Buffer.buffer(Reply.err(Reply.Code.SYS_TEMP,
                    admission.refusal() == ConnectionLimits.Refusal.INSTANCE ? "server busy, try again later"
                            : "too many connections from your address, try again later")));
            socket.end();
            return;
        }
        Pop3Session session = new Pop3Session(conn, services);
        socket.handler(buffer -> session.onData(buffer.getBytes()));
        socket.closeHandler(v -> {
            permit.close();
            session.onClosed();
        });
        socket.exceptionHandler(t -> socket.close());
        session.start();
    }

    @Override
    public void stop(Promise<Void> stopped) {
        Future.all(servers.stream().map(NetServer::close).toList()).onComplete(ar -> stopped.complete());
    }
}
