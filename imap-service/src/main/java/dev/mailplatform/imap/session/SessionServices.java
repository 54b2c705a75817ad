package dev.mailplatform.imap.session;

import dev.mailplatform.imap.config.ImapConfig;
import dev.mailplatform.imap.metrics.ImapMetrics;
import dev.mailplatform.imap.protocol.ImapParser;
import dev.mailplatform.imap.protocol.ParserLimits;
import dev.mailplatform.imap.store.AccountWatchers;
import dev.mailplatform.imap.store.StoreClient;
import dev.mailplatform.protocol.ConnectionLimits;
import dev.mailplatform.protocol.PlaintextAuthPolicy;
import io.vertx.core.net.NetServerOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** What every session of this instance shares: configuration, the store, limits, meters and the command registry. */
@ApplicationScoped
public class SessionServices {

    @Inject
    ImapConfig config;

    @Inject
    StoreClient store;

    @Inject
    AccountWatchers watchers;

    @Inject
    ImapMetrics metrics;

    @Inject
    Commands commands;

    private final Set<ImapSession> sessions = ConcurrentHashMap.newKeySet();
    private volatile ConnectionLimits limits;
    private volatile PlaintextAuthPolicy plaintextPolicy;
    private volatile NetServerOptions startTlsOptions;

    /** Called by the server before it accepts connections. */
    public void init(NetServerOptions startTlsOptions) {
        this.limits = new ConnectionLimits(config.maxConnections(), config.maxConnectionsPerIp(),
                config.maxConnectionsPerAccount());
        this.plaintextPolicy = new PlaintextAuthPolicy(config.allowPlaintextWithoutTls(), config.plaintextOnLoopback());
        this.startTlsOptions = startTlsOptions;
    }

    public ImapParser newParser() {
        return new ImapParser(new ParserLimits(config.maxLineLength(), config.maxLiteralSize(),
                config.maxAppendSize(), config.maxNesting(), 64), commands.syntax());
    }

    public ImapConfig config() {
        return config;
    }

    public StoreClient store() {
        return store;
    }

    public AccountWatchers watchers() {
        return watchers;
    }

    public ImapMetrics metrics() {
        return metrics;
    }

    public Commands commands() {
        return commands;
    }

    public ConnectionLimits limits() {
        return limits;
    }

    public PlaintextAuthPolicy plaintextPolicy() {
        return plaintextPolicy;
    }

    /** Options with the certificate, for STARTTLS; null when no certificate is configured. */
    public NetServerOptions startTlsOptions() {
        return startTlsOptions;
    }

    public void sessionOpened(ImapSession s) {
        sessions.add(s);
        metrics.connectionOpened();
    }

    void sessionClosed(ImapSession s) {
        if (sessions.remove(s)) {
            metrics.connectionClosed();
        }
    }

    public Set<ImapSession> sessions() {
        return sessions;
    }
}
