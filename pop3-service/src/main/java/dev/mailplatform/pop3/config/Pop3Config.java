package dev.mailplatform.pop3.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The POP3 front end's settings; every key can come from the environment ({@code MAIL_POP3_PORT}, ...). */
@ConfigMapping(prefix = "mail.pop3")
public interface Pop3Config {

    /** The address both listeners bind to. */
    @WithDefault("127.0.0.1")
    String host();

    /** Plain POP3 with STLS. */
    @WithDefault("1110")
    int port();

    /** Implicit TLS (POP3S); only opened when a certificate is configured. */
    @WithDefault("1995")
    int tlsPort();

    /** Longest command line in octets, CRLF included (RFC 2449 §4 asks for at least 255). */
    @WithDefault("255")
    int maxLineLength();

    /** Longest SASL continuation line (RFC 5034 lets it exceed the command limit). */
    @WithDefault("4096")
    int maxSaslLineLength();

    /**
     * Time from the connect to a successful login, whatever the client sends meanwhile: an absolute deadline, so a
     * client that never authenticates cannot hold a connection slot by trickling commands.
     */
    @WithDefault("60s")
    Duration loginTimeout();

    /** RFC 1939's autologout timer: at least 10 minutes. */
    @WithDefault("10m")
    Duration idleTimeout();

    /**
     * On SIGTERM, how long readiness reports DOWN while new connections are still served, so a load balancer stops
     * sending clients here before they are turned away (Quarkus' {@code quarkus.shutdown.delay} is set from it). In
     * Kubernetes, about the readiness probe's period.
     */
    @WithDefault("0s")
    Duration shutdownReadinessDelay();

    /**
     * On SIGTERM, how long the running commands (a RETR being sent) have to finish; sessions then close without
     * UPDATE, so no DELE is committed. Sessions still busy at the deadline are cut.
     */
    @WithDefault("15s")
    Duration shutdownDrainTimeout();

    /** Open connections on this instance, from all clients together; 0 means no limit. */
    @WithDefault("10000")
    int maxConnections();

    /** Open connections from one client IP on this instance; 0 means no limit. */
    @WithDefault("20")
    int maxConnectionsPerIp();

    /** Failed logins on one connection before it is closed. */
    @WithDefault("3")
    int maxAuthFailures();

    /** Whether RETR sets \Seen (TOP never does), so IMAP clients of the same account see what was downloaded. */
    @WithDefault("true")
    boolean retrSetsSeen();

    /** USER/PASS and AUTH PLAIN without TLS on non-loopback connections (never in production). */
    @WithDefault("false")
    boolean allowPlaintextWithoutTls();

    /**
     * Whether loopback clients count as safe for plaintext passwords. Set it to false when a proxy on the same host
     * forwards remote clients: every connection then looks local. Formerly {@code mail.pop3.trust-loopback}.
     */
    @WithDefault("false")
    boolean plaintextOnLoopback();

    /**
     * The store lease of a maildrop, in whole seconds; renewed every third of it while the session lives. Formerly
     * {@code mail.pop3.lease-seconds}, a number of seconds, which a plain number here still means.
     */
    @WithDefault("60s")
    Duration leaseDuration();

    /**
     * The EXPIRE value advertised before login (RFC 2449 §6.7), with "USER": the most restrictive retention of any
     * account here (the platform's default is NEVER; set the smallest domain retention in days when there is one).
     * After login the account's own policy is shown.
     */
    @WithDefault("NEVER")
    String expireBeforeLogin();

    /** The LOGIN-DELAY value advertised before login; after login the account's own delay is shown. */
    @WithDefault("0")
    int loginDelayBeforeLogin();

    /** Event loops (Vert.x listener instances); 0 means one per core. */
    @WithDefault("0")
    int eventLoops();

    /** Deadline of a unary store call (SELECT's, LOGIN's ...): past it the command gets "try later". */
    @WithDefault("30s")
    Duration storeCallTimeout();

    /** Deadline of a streaming store call (a message's content, APPEND's upload): the whole transfer must fit. */
    @WithDefault("1h")
    Duration storeStreamTimeout();

    /**
     * A connection whose output has not drained for this long (the client stopped reading while we wait to write
     * more) is closed.
     */
    @WithDefault("120s")
    Duration outputStallTimeout();

    /** The HAProxy PROXY protocol from trusted proxies ({@code mail.pop3.proxy-protocol.*}). */
    ProxyProtocol proxyProtocol();

    interface ProxyProtocol {

        /**
         * Addresses and CIDR blocks (IPv4 or IPv6) whose connections must start with a PROXY protocol v1 or v2 header
         * naming the real client. None by default: no header is read from anyone.
         */
        Optional<List<String>> trustedProxies();

        /** Time a trusted proxy has to send its whole header; then the connection is closed without a greeting. */
        @WithDefault("3s")
        Duration timeout();
    }
}
