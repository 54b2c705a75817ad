package dev.mailplatform.pop3.session;

import dev.mailplatform.pop3.config.Pop3Config;
import dev.mailplatform.pop3.metrics.Pop3Metrics;
import dev.mailplatform.pop3.store.StoreClient;
import dev.mailplatform.protocol.ConnectionLimits;
import dev.mailplatform.protocol.Drain;
import dev.mailplatform.protocol.PlaintextAuthPolicy;
import java.util.Set;

/**
 * What every session of one instance shares. {@code instance} names this replica in lease owners and logs;
 * {@code sessions} are the open ones, for the graceful stop ({@code drain}).
 */
public record SessionServices(Pop3Config config, StoreClient store, Pop3Metrics metrics, Commands commands,
        ConnectionLimits limits, PlaintextAuthPolicy plaintextPolicy, String instance, Drain drain,
        Set<Pop3Session> sessions) {
}
