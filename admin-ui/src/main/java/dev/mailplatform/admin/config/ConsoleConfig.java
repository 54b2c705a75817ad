package dev.mailplatform.admin.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** admin-ui's settings under {@code mail.} (environment: MAIL_ADMIN_PASSWORD, MAIL_CONSOLE_SESSION_TTL, ...). */
@ConfigMapping(prefix = "mail")
public interface ConsoleConfig {

    Admin admin();

    Console console();

    /** The first super-admin, created only while the store has no administrator at all. */
    interface Admin {
        @WithDefault("admin")
        String user();

        /** Absent: a random password is generated and printed once in the log. Never a built-in one. */
        Optional<String> password();
    }

    interface Console {
        /** A console session ends after this long without a request. */
        @WithDefault("PT30M")
        Duration sessionIdle();

        /** Usage levels the dashboard and the bars flag (fractions of the effective limit). */
        @WithDefault("0.8")
        double warnLevel();

        @WithDefault("0.95")
        double criticalLevel();

        /** Mark the session cookie Secure even when the request reached us over plain HTTP (TLS ends at a proxy). */
        @WithDefault("false")
        boolean secureCookie();

        /** How long one store call may take before the console answers 503. */
        @WithDefault("PT10S")
        Duration storeDeadline();
    }
}
