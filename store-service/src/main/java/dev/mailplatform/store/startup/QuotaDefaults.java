package dev.mailplatform.store.startup;

import dev.mailplatform.store.config.StoreConfig;
import dev.mailplatform.store.domain.Db;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

/** Writes the platform default quota (mail.quota.*) where the quota queries read it. */
@ApplicationScoped
public class QuotaDefaults {

    private static final Logger LOG = Logger.getLogger(QuotaDefaults.class);

    @Transactional
    void onStart(@Observes StartupEvent ev, StoreConfig config, Db db) {
        long storage = config.quota().defaultStorage();
        long messages = config.quota().defaultMessages();
        if (storage < 0 || messages < 0) {
            throw new IllegalArgumentException(
                    "mail.quota.default-storage and default-messages must be >= 0 (0: unlimited)");
        }
        db.update("UPDATE platform_quota SET storage_limit = ?, message_limit = ?", storage, messages);
        LOG.infof("platform default quota: %d bytes, %d messages (0 = unlimited)", storage, messages);
    }
}
