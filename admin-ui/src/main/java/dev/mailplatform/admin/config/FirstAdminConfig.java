package dev.mailplatform.admin.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/** The first super-admin (MAIL_ADMIN_USER, MAIL_ADMIN_PASSWORD), created only while the store has no administrator. */
@ConfigMapping(prefix = "mail.admin")
public interface FirstAdminConfig {

    @WithDefault("admin")
    String user();

    /** Absent: a random password is generated and printed once in the log. Never a built-in one. */
    Optional<String> password();
}
