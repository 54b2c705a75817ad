package dev.mailplatform.store.config;

import dev.mailplatform.protocol.RenamedSettings;
import java.util.Map;

/**
 * store-service's renamed settings, new name → old name: the old names (and their {@code MAIL_...} variables) still
 * work and are logged as deprecated. Registered in META-INF/services.
 */
public final class StoreRenamedSettings extends RenamedSettings {

    private static final long serialVersionUID = 1L;

    public StoreRenamedSettings() {
        // mail.pop3.* is pop3-service's: its own mail.pop3.lease-duration is the lease it asks for.
        super(Map.of("mail.store.pop3-lease-duration", "mail.pop3.lease-duration",
                "mail.store.pop3-retention-interval", "mail.pop3.retention-interval"));
    }
}
