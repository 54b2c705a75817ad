package dev.mailplatform.pop3.server;

import dev.mailplatform.pop3.config.Pop3Config;
import dev.mailplatform.pop3.config.TlsConfig;
import dev.mailplatform.pop3.metrics.Pop3Metrics;
import dev.mailplatform.pop3.registry.Pop3Commands;
import dev.mailplatform.pop3.session.Pop3Session;
import dev.mailplatform.pop3.session.SessionServices;
import dev.mailplatform.pop3.store.StoreClient;
import dev.mailplatform.protocol.ConnectionLimits;
import dev.mailplatform.protocol.Drain;
import dev.mailplatform.protocol.PlaintextAuthPolicy;
import dev.mailplatform.protocol.ProxyProtocolGate;
import dev.mailplatform.protocol.TlsSettings;
import dev.mailplatform.protocol.TrustedProxies;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/** Starts the POP3 listeners on Quarkus' Vert.x at startup and stops them at shutdown. */
@ApplicationScoped
public class Pop3Server {

    private static final Logger LOG = Logger.getLogger(Pop3Server.class);

    private final Vertx vertx;
    private final Pop3Config config;
    private final TlsConfig tlsConfig;
    private final StoreClient store;
    private final Pop3Metrics metrics;
    private final Pop3Commands commands;
    private String deployment;
    private final Drain drain = new Drain();
    private final Set<Pop3Session> sessions = ConcurrentHashMap.newKeySet();

    public Pop3Server(Vertx vertx, Pop3Config config, TlsConfig tlsConfig, StoreClient store, Pop3Metrics metrics,
            Pop3Commands commands) {
        this.vertx = vertx;
        this.config = config;
        this.tlsConfig = tlsConfig;
        this.store = store;
        this.metrics = metrics;
        this.commands = commands;
    }

    void start(@Observes StartupEvent event) throws Exception {
        Optional<TlsSettings> tls = tlsConfig.settings();
        String instance = "pop3-" + UUID.randomUUID().toString().substring(0, 8);
        SessionServices services = new SessionServices(config, store, metrics, commands,
                new ConnectionLimits(config.maxConnections(), config.maxConnectionsPerIp(), 0),
                new PlaintextAuthPolicy(config.allowPlaintextWithoutTls(), config.plaintextOnLoopback()), instance,
                drain, sessions);
        ProxyProtocolGate gate = new ProxyProtocolGate(
                TrustedProxies.of(config.proxyProtocol().trustedProxies().orElse(List.of())),
                config.proxyProtocol().timeout());
        int instances = config.eventLoops() > 0 ? config.eventLoops() : Runtime.getRuntime().availableProcessors();
        deployment = vertx.deployVerticle(() -> new Pop3Listener(services, tls, gate),
                new DeploymentOptions().setInstances(instances))
                .toCompletionStage().toCompletableFuture().get(Duration.ofSeconds(30).toMillis(),
                        java.util.concurrent.TimeUnit.MILLISECONDS);
        LOG.infof("POP3 %s listening on %s:%d%s (%d event loops)%s", instance, config.host(), config.port(),
                tls.isPresent() ? " (STLS) and POP3S on " + config.tlsPort() : ", no TLS (no certificate configured)",
                instances, gate.enabled() ? "; PROXY protocol required from "
                        + config.proxyProtocol().trustedProxies().get() : "");
    }

    /**
     * SIGTERM, after readiness went down and the readiness delay passed (quarkus.shutdown.delay): new connections refused, then each session closes after its running command
     * (without UPDATE: no DELE is committed); what still runs at the drain timeout is cut. The listeners close
     * last, since closing one closes its connections.
     */
    void stop(@Observes ShutdownEvent event) {
        try {
            Drain.Result r = drain.run(config.shutdownDrainTimeout(), () -> sessions);
            LOG.infof("POP3 stopped: %d sessions ended after their command, %d cut at the deadline, in %d ms",
                    r.drained(), r.cut(), r.took().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (deployment != null) {
            try {
                vertx.undeploy(deployment).toCompletionStage().toCompletableFuture().get(10,
                        java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warnf("stopping the POP3 listeners: %s", e.getMessage());
            }
        }
    }
}
