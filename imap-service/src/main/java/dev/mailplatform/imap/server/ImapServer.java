package dev.mailplatform.imap.server;

import dev.mailplatform.imap.config.ImapConfig;
import dev.mailplatform.imap.config.TlsConfig;
import dev.mailplatform.imap.protocol.ResponseWriter;
import dev.mailplatform.imap.session.ImapSession;
import dev.mailplatform.imap.session.SessionServices;
import dev.mailplatform.protocol.ConnectionLimits;
import dev.mailplatform.protocol.Drain;
import dev.mailplatform.protocol.ProxyProtocolGate;
import dev.mailplatform.protocol.TlsMaterial;
import dev.mailplatform.protocol.TlsSettings;
import dev.mailplatform.protocol.TrustedProxies;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The IMAP listeners: plain IMAP with STARTTLS, and IMAPS when a certificate is configured. One server instance
 * per event loop shares each port, so connections spread over the cores; no thread per connection.
 */
@ApplicationScoped
public class ImapServer {

    private static final Logger LOG = Logger.getLogger(ImapServer.class);

    @Inject
    Vertx vertx;

    @Inject
    ImapConfig config;

    @Inject
    TlsConfig tlsConfig;

    @Inject
    SessionServices sessions;

    private final List<NetServer> servers = new ArrayList<>();
    private final Drain drain = new Drain();
    private ProxyProtocolGate gate;
    private volatile int plainPort;
    private volatile int tlsPort;

    void start(@Observes StartupEvent event) {
        Optional<TlsSettings> tls = tlsConfig.settings();
        gate = new ProxyProtocolGate(TrustedProxies.of(config.proxyProtocol().trustedProxies().orElse(List.of())),
                config.proxyProtocol().timeout());
        NetServerOptions plain = tls.map(t -> TlsMaterial.serverOptions(t, false)).orElseGet(NetServerOptions::new);
        sessions.init(tls.isPresent() ? plain : null);
        plainPort = listen(plain, config.port(), false);
        if (tls.isPresent() && config.tlsPort() >= 0) {
            tlsPort = listen(gate.implicitTlsOptions(tls.get()), config.tlsPort(), true);
        } else if (tls.isEmpty()) {
            LOG.warn("No TLS certificate configured (mail.tls.*): no IMAPS listener and no STARTTLS; passwords are "
                    + "accepted only on loopback connections");
        }
        LOG.infof("IMAP listening on %s:%d%s%s", config.host(), plainPort,
                tlsPort > 0 ? " and IMAPS on " + config.host() + ":" + tlsPort : "",
                gate.enabled() ? "; PROXY protocol required from " + config.proxyProtocol().trustedProxies().get() : "");
    }

    private int listen(NetServerOptions options, int port, boolean implicitTls) {
        options.setHost(config.host()).setPort(port).setTcpNoDelay(true).setTcpKeepAlive(true);
        // Port 0 would give each instance a different random port: one instance then.
        int instances = port == 0 ? 1 : Math.max(1, Runtime.getRuntime().availableProcessors());
        int bound = port;
        for (int i = 0; i < instances; i++) {
            NetServer server = vertx.createNetServer(new NetServerOptions(options));
            server.connectHandler(socket -> gate.accept(socket, implicitTls, (s, ip) -> accept(s, ip, implicitTls)));
            try {
                server.listen().toCompletionStage().toCompletableFuture().get();
            } catch (Exception e) {
                throw new IllegalStateException("cannot listen on " + config.host() + ":" + port + ": "
                        + e.getMessage(), e);
            }
            bound = server.actualPort();
            servers.add(server);
        }
        return bound;
    }

    /** A connection with its client's address (a trusted proxy's header already read): the limits, then a session. */
    private void accept(NetSocket socket, String ip, boolean implicitTls) {
        if (drain.refusing()) {
            // Stopping: the listener stays open (closing it would drop the sessions still finishing), callers go.
            socket.write(Buffer.buffer(new ResponseWriter().statusResponse("*", "BYE", "UNAVAILABLE", "shutting down")
                    .toBytes()));
            socket.close();
            return;
        }
        ConnectionLimits.Admission admission = sessions.limits().admit(ip);
        ConnectionLimits.Permit permit = admission.permit();
        if (permit == null) {
            boolean full = admission.refusal() == ConnectionLimits.Refusal.INSTANCE;
            sessions.metrics().connectionRefused(full ? "instance-limit" : "per-ip-limit");
            socket.write(Buffer.buffer(new ResponseWriter().statusResponse("*", "BYE", full ? "UNAVAILABLE" : "LIMIT",
                    full ? "Server busy, try again later" : "Too many connections from your address").toBytes()));
            socket.close();
            return;
        }
        VertxImapConnection connection = new VertxImapConnection(vertx.getOrCreateContext(), socket, ip, implicitTls,
                sessions.startTlsOptions() != null, config.outputStallTimeout());
        ImapSession session = new ImapSession(sessions, connection, permit);
        socket.handler(data -> session.onData(data.getBytes()));
        socket.closeHandler(v -> session.onClosed());
        socket.exceptionHandler(t -> LOG.debugf("connection from %s: %s", ip, t.toString()));
        sessions.sessionOpened(session);
        session.start();
    }

    /** The bound plain port (useful when configured as 0). */
    public int plainPort() {
        return plainPort;
    }

    public int tlsPort() {
        return tlsPort;
    }

    /**
     * SIGTERM, after readiness went down and the readiness delay passed (quarkus.shutdown.delay): new connections refused, then every session ends at its next safe point (at once
     * between commands or in IDLE, else after its tagged reply) with {@code * BYE [UNAVAILABLE]}; what still runs at
     * the drain timeout is cut. The listeners close last, since closing one closes its connections.
     */
    void stop(@Observes ShutdownEvent event) {
        try {
            Drain.Result r = drain.run(config.shutdownDrainTimeout(), sessions::sessions);
            LOG.infof("IMAP stopped: %d sessions ended after their command, %d cut at the deadline, in %d ms",
                    r.drained(), r.cut(), r.took().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (NetServer server : servers) {
            try {
                server.close().toCompletionStage().toCompletableFuture().get(Duration.ofSeconds(5).toMillis(),
                        java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                LOG.debugf("closing the IMAP listener: %s", e.toString());
            }
        }
    }
}
