package dev.mailplatform.lmtp.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;

/** The LMTP front end's settings; every key can come from the environment ({@code MAIL_LMTP_PORT}, ...). */
@ConfigMapping(prefix = "mail.lmtp")
public interface LmtpConfig {

    /** The listener's address: loopback, because only the MTA on this host (or the cluster's) may deliver. */
    @WithDefault("127.0.0.1")
    String host();

    @WithDefault("2424")
    int port();

    /**
     * Addresses and CIDR blocks allowed to connect; anyone else gets 554 5.7.1 before the greeting. Loopback only by
     * default; in a cluster, the MTA's pod network.
     */
    @WithDefault("127.0.0.0/8,::1")
    List<String> allowedNetworks();

    /** The name in the greeting and the LHLO reply. */
    @WithDefault("localhost")
    String serverName();

    /** Longest command line in octets, CRLF included (RFC 5321 §4.5.3.1.4 asks for at least 512). */
    @WithDefault("2048")
    int maxLineLength();

    /** The SIZE advertised (RFC 1870) and enforced on DATA and BDAT: larger messages get 552 5.3.4. */
    @WithDefault("52428800")
    long maxMessageSize();

    /** Recipients per transaction; more get 452 4.5.3 (RFC 5321 asks for at least 100). */
    @WithDefault("1000")
    int maxRecipients();

    /** A connection that sends nothing for this long is closed with 421 (RFC 5321 §4.5.3.2 suggests 5 minutes). */
    @WithDefault("5m")
    Duration idleTimeout();

    /**
     * On SIGTERM, how long readiness reports DOWN while new connections are still served, so that traffic moves away
     * before they are turned away (Quarkus' {@code quarkus.shutdown.delay} is set from it).
     */
    @WithDefault("0s")
    Duration shutdownReadinessDelay();

    /**
     * On SIGTERM, how long a transaction in progress has to end (its per-recipient replies sent); sessions are then
     * closed with 421 4.3.2, and those still in a transaction at the deadline are cut (nothing of it is stored, the
     * MTA retries).
     */
    @WithDefault("15s")
    Duration shutdownDrainTimeout();

    /** Open connections on this instance; 0 means no limit. */
    @WithDefault("1000")
    int maxConnections();

    /** Input buffered while a command waits for the store before the socket stops being read. */
    @WithDefault("262144")
    int maxPipelinedBytes();

    /** The sub-address separator (alice+lists@); empty turns sub-addressing off. */
    @WithDefault("+")
    String detailSeparator();

    /** Deliver alice+lists@ into alice's mailbox "lists" when it exists (Dovecot's lmtp_save_to_detail_mailbox). */
    @WithDefault("false")
    boolean saveToDetailMailbox();

    /** Over quota as a temporary failure (452 4.2.2) instead of 552 5.2.2 (Dovecot's quota_full_tempfail). */
    @WithDefault("false")
    boolean quotaFullTempfail();

    /** The same Message-ID to the same account within this window is acknowledged once stored; 0s: off. */
    @WithDefault("10m")
    Duration duplicateWindow();

    /** Event loops (Vert.x listener instances); 0 means one per core. */
    @WithDefault("0")
    int eventLoops();

    /** Deadline of a unary store call (the RCPT check): past it the recipient gets 451 4.3.0. */
    @WithDefault("30s")
    Duration storeCallTimeout();

    /** Deadline of a delivery's upload to the store, the whole DATA included. */
    @WithDefault("1h")
    Duration storeStreamTimeout();

    /** A connection whose output has not drained for this long is closed. */
    @WithDefault("120s")
    Duration outputStallTimeout();
}
