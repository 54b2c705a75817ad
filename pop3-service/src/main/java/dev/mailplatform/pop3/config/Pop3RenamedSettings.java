package dev.mailplatform.pop3.config;

import dev.mailplatform.protocol.RenamedSettings;
import java.util.Map;

/**
 * pop3-service's renamed settings, new name → old name: the old names (and their {@code MAIL_POP3_...} variables)
 * still work and are logged as deprecated. Registered in META-INF/services.
 */
public final class Pop3RenamedSettings extends RenamedSettings {

    private static final long serialVersionUID = 1L;

    public Pop3RenamedSettings() {
        super(Map.of(
                // imap-service's name for the same switch
                "mail.pop3.plaintext-on-loopback", "mail.pop3.trust-loopback",
                // an int of seconds before; a plain number still means seconds to Quarkus' Duration converter
                "mail.pop3.lease-duration", "mail.pop3.lease-seconds"));
    }
}
