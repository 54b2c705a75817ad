package dev.mailplatform.lmtp.session;

import dev.mailplatform.lmtp.config.LmtpConfig;
import dev.mailplatform.lmtp.metrics.LmtpMetrics;
import dev.mailplatform.lmtp.registry.LmtpCommands;
import dev.mailplatform.lmtp.store.StoreClient;
import dev.mailplatform.protocol.Drain;
import dev.mailplatform.store.v1.ResolveRules;
import java.util.Set;

/**
 * What every session shares: configuration, the store, the meters and the command table; the open sessions and
 * the graceful stop.
 */
public record SessionServices(LmtpConfig config, StoreClient store, LmtpMetrics metrics, LmtpCommands commands,
        boolean tlsConfigured, Drain drain, Set<LmtpSession> sessions) {

    public ResolveRules rules() {
        return ResolveRules.newBuilder().setDetailSeparator(config.detailSeparator())
                .setSaveToDetailMailbox(config.saveToDetailMailbox()).build();
    }
}
