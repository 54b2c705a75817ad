package dev.mailplatform.admin.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The console's settings (environment: MAIL_CONSOLE_SESSION_IDLE, MAIL_CONSOLE_WARN_LEVEL, ...). */
@ConfigMapping(prefix = "mail.console")
public interface ConsoleConfig {

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
