package dev.mailplatform.imap.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** {@code mail.imap.*}: listeners, limits and policies of the IMAP front end. */
@ConfigMapping(prefix = "mail.imap")
public interface ImapConfig {

    /** Address the IMAP listeners bind. */
    @WithDefault("127.0.0.1")
    String host();

    /** Plain IMAP with STARTTLS; 0 picks a free port. */
    @WithDefault("1143")
    int port();

    /** Implicit TLS (IMAPS); opened only when a certificate is configured. -1 disables it. */
    @WithDefault("1993")
    int tlsPort();

    /** Allow LOGIN and AUTHENTICATE PLAIN/LOGIN without TLS from non-loopback clients (never in production). */
    @WithDefault("false")
    boolean allowPlaintextWithoutTls();

    /**
     * Treat loopback clients as safe for plaintext passwords. Turn off when a proxy on the same host forwards
     * outside connections (they would all look local).
     */
    @WithDefault("false")
    boolean plaintextOnLoopback();

    /**
     * Longest command line, excluding literals. RFC 2971's ID maxima alone make a 31 KB line; Dovecot allows 64 KiB.
     * Memory is this once per connection at most; a longer line gets BAD and is skipped.
     */
    @WithDefault("65536")
    int maxLineLength();

    /** Largest literal outside APPEND (e.g. a search string or a password). */
    @WithDefault("65536")
    long maxLiteralSize();

    /** Largest APPEND message; keep it at the store's mail.store.max-message-size, which is checked again there. */
    @WithDefault("52428800")
    long maxAppendSize();

    /** Deepest nesting of parenthesised lists in one command. */
    @WithDefault("32")
    int maxNesting();

    /** Open connections on this instance, from all clients together; 0 means no limit. Over it: BYE [UNAVAILABLE]. */
    @WithDefault("10000")
    int maxConnections();

    /** Open connections per client IP on this instance; 0 means no limit. */
    @WithDefault("50")
    int maxConnectionsPerIp();

    /** Authenticated sessions per account on this instance; 0 means no limit. */
    @WithDefault("20")
    int maxConnectionsPerAccount();

    /** Failed logins on one connection before the server says BYE. */
    @WithDefault("3")
    int maxAuthFailures();

    /** Time a client has to authenticate (RFC 3501 §5.4 asks for at least 30 minutes only once authenticated). */
    @WithDefault("60s")
    Duration loginTimeout();

    /** Inactivity after which an authenticated session is logged out (IDLE included; clients re-IDLE sooner). */
    @WithDefault("30m")
    Duration idleTimeout();

    /**
     * On SIGTERM, how long readiness reports DOWN while new connections are still served, so a load balancer stops
     * sending clients here before they are turned away (Quarkus' {@code quarkus.shutdown.delay} is set from it). In
     * Kubernetes, about the readiness probe's period.
     */
    @WithDefault("0s")
    Duration shutdownReadinessDelay();

    /**
     * On SIGTERM, how long running commands (an APPEND's upload included) have to finish; sessions still busy then
     * are cut. Keep readiness delay plus this under the orchestrator's grace period.
     */
    @WithDefault("15s")
    Duration shutdownDrainTimeout();

    /**
     * How long an account's store Watch stream stays open after its last session here ends, for a client that
     * comes back (clients that connect per check, several connections in turn): each new stream is a store call and
     * a registration there. 0 closes it with the last session.
     */
    @WithDefault("30s")
    Duration watchLinger();

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

    /** The HAProxy PROXY protocol from trusted proxies ({@code mail.imap.proxy-protocol.*}). */
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
