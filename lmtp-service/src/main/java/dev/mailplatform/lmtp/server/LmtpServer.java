package dev.mailplatform.lmtp.server;

import dev.mailplatform.lmtp.config.LmtpConfig;
import dev.mailplatform.lmtp.config.TlsConfig;
import dev.mailplatform.lmtp.metrics.LmtpMetrics;
import dev.mailplatform.lmtp.registry.LmtpCommands;
import dev.mailplatform.lmtp.session.LmtpSession;
import dev.mailplatform.lmtp.session.SessionServices;
import dev.mailplatform.lmtp.store.StoreClient;
import dev.mailplatform.protocol.ConnectionLimits;
import dev.mailplatform.protocol.Drain;
import dev.mailplatform.protocol.TlsSettings;
import dev.mailplatform.protocol.TrustedProxies;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/** Starts the LMTP listener on Quarkus' Vert.x at startup and stops it at shutdown. */
@ApplicationScoped
public class LmtpServer {

    private static final Logger LOG = Logger.getLogger(LmtpServer.class);

    private final Vertx vertx;
    private final LmtpConfig config;
    private final TlsConfig tlsConfig;
    private final StoreClient store;
    private final LmtpMetrics metrics;
    private final LmtpCommands commands;
    private String deployment;
    private final Drain drain = new Drain();
    private final Set<LmtpSession> sessions = ConcurrentHashMap.newKeySet();

    public LmtpServer(Vertx vertx, LmtpConfig config, TlsConfig tlsConfig, StoreClient store, LmtpMetrics metrics,
            LmtpCommands commands) {
        this.vertx = vertx;
        this.config = config;
        this.tlsConfig = tlsConfig;
        this.store = store;
        this.metrics = metrics;
        this.commands = commands;
    }

    void start(@Observes StartupEvent event) throws Exception {
        if (config.maxMessageSize() < 1 || config.maxLineLength() < 512 || config.maxRecipients() < 1) {
            throw new IllegalArgumentException("mail.lmtp: max-message-size and max-recipients must be positive, "
                    + "max-line-length at least 512 (RFC 5321)");
        }
        Optional<TlsSettings> tls = tlsConfig.settings();
        TrustedProxies allowed = TrustedProxies.of(config.allowedNetworks());
        SessionServices services = new SessionServices(config, store, metrics, commands, tls.isPresent(), drain,
                sessions);
        ConnectionLimits limits = new ConnectionLimits(config.maxConnections(), 0, 0);
        int instances = config.eventLoops() > 0 ? config.eventLoops() : Runtime.getRuntime().availableProcessors();
        deployment = vertx.deployVerticle(() -> new LmtpListener(services, tls, allowed, limits),
                new DeploymentOptions().setInstances(instances))
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        LOG.infof("LMTP listening on %s:%d%s (%d event loops), open to %s", config.host(), config.port(),
                tls.isPresent() ? " with STARTTLS" : ", no TLS (no certificate configured)", instances,
                config.allowedNetworks());
    }

    /**
     * SIGTERM, after readiness went down and the readiness delay passed (quarkus.shutdown.delay): new connections get
     * 421, each session ends with 421 once its transaction has been answered, and transactions still open at the
     * drain timeout are cut (nothing stored; the MTA retries). The listener closes last, since closing it closes its
     * connections.
     */
    void stop(@Observes ShutdownEvent event) {
        try {
            Drain.Result r = drain.run(config.shutdownDrainTimeout(), () -> sessions);
            LOG.infof("LMTP stopped: %d sessions ended after their transaction, %d cut at the deadline, in %d ms",
                    r.drained(), r.cut(), r.took().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (deployment != null) {
            try {
                vertx.undeploy(deployment).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warnf("stopping the LMTP listener: %s", e.getMessage());
            }
        }
    }
}
