package dev.mailplatform.admin.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/**
 * What Thunderbird's autoconfig document tells clients (MAIL_AUTOCONFIG_IMAP_HOST, ...): the public names and ports,
 * which differ from the ones the services bind behind a load balancer.
 */
@ConfigMapping(prefix = "mail.autoconfig")
public interface AutoconfigConfig {

    /** The IMAP host clients use; absent: "imap." + the address's domain. */
    Optional<String> imapHost();

    /** Implicit TLS (993), as RFC 8314 recommends. */
    @WithDefault("993")
    int imapPort();

    /** The POP3 host; absent: "pop3." + the address's domain. */
    Optional<String> pop3Host();

    @WithDefault("995")
    int pop3Port();

    /** The submission server, when there is one (the platform has none yet): the document then names none. */
    Optional<String> smtpHost();

    @WithDefault("465")
    int smtpPort();
}
