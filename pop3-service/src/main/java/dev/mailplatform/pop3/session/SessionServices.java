package dev.mailplatform.pop3.session;

import dev.mailplatform.pop3.config.Pop3Config;
import dev.mailplatform.pop3.metrics.Pop3Metrics;
import dev.mailplatform.pop3.store.StoreClient;
import dev.mailplatform.protocol.ConnectionLimits;
import dev.mailplatform.protocol.PlaintextAuthPolicy;

/** What every session of one instance shares. {@code instance} names this replica in lease owners and logs. */
public record SessionServices(Pop3Config config, StoreClient store, Pop3Metrics metrics, Commands commands,
        ConnectionLimits limits, PlaintextAuthPolicy plaintextPolicy, String instance) {
}
