package dev.mailplatform.store.config;

import dev.mailplatform.protocol.StoreTlsKeys;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Every tunable of store-service, under the prefix {@code mail.} (environment: {@code MAIL_...}). */
@ConfigMapping(prefix = "mail")
public interface StoreConfig {

    Store store();

    Database db();

    S3 s3();

    Auth auth();

    BlobGc blobGc();

    Quota quota();

    /** A file of "address:password" lines; those accounts are created at start when missing. */
    Optional<String> seedAccounts();

    /** PostgreSQL; quarkus.datasource.* is derived from these. */
    interface Database {
        String url();

        String user();

        String password();
    }

    interface Store {
        /** Mutual TLS of the gRPC API (MAIL_STORE_TLS_*): see {@link StoreTlsKeys} and the README. */
        Tls tls();

        interface Tls extends StoreTlsKeys {
            @Override
            @WithDefault("false")
            boolean allowPlaintext();
        }

        /**
         * The POP3 maildrop lease when the front end asks for none (it asks for its own mail.pop3.lease-duration).
         * Formerly mail.pop3.lease-duration here too: mail.pop3.* is pop3-service's.
         */
        @WithDefault("PT2M")
        Duration pop3LeaseDuration();

        /** How often the POP3 retention job looks for messages that are due. Formerly mail.pop3.retention-interval. */
        @WithDefault("5m")
        String pop3RetentionInterval();

        /** The largest message APPEND accepts, in bytes; the stream is cut at this size. */
        @WithDefault("52428800")
        long maxMessageSize();

        /** Messages smaller than this are spooled in memory during APPEND, larger ones in a temporary file. */
        @WithDefault("1048576")
        int memorySpoolLimit();

        /**
         * At most this many appends are committed in one statement: those that reach their commit while another
         * runs wait and go together (group commit). 1 commits each append alone, one at a time.
         */
        @WithDefault("16")
        int appendGroupMax();

        /**
         * Group commits that run at once. Each account always goes to the same one, so two never wait for each
         * other's mailbox or account locks; more overlap the commits (their WAL flushes) of different accounts.
         */
        @WithDefault("2")
        int appendLanes();

        /**
         * A SEARCH of the message text in a mailbox of at most this many messages reads the mailbox's messages and
         * tests each one's text; in a larger one PostgreSQL may start from the trigram indexes instead. Those cover
         * the text of every account, and with no statistics on it (V3) the planner guesses that a header test
         * matches one row: it chose them for a 20-message INBOX, reading every match in every account (SUBJECT
         * "multipart": 1,015 blobs, 3,300 buffers, 50-90 ms, where the INBOX alone is 80 buffers and 1.5 ms).
         */
        @WithDefault("5000")
        int searchScanMessages();

        /** How much decoded body text of one message is kept for SEARCH BODY/TEXT. */
        @WithDefault("262144")
        int searchBodyLimit();

        /**
         * Header bytes per message (all its parts' headers together) that are parsed into fields for ENVELOPE,
         * BODYSTRUCTURE, SEARCH and HEADER.FIELDS; fields past it stay in the stored message only.
         */
        @WithDefault("262144")
        int indexHeaderBytes();

        /** Header fields per message that are indexed, as {@link #indexHeaderBytes()}. */
        @WithDefault("2000")
        int indexHeaderFields();

        /** MIME parts per message that get their own BODYSTRUCTURE entry; the rest is opaque. */
        @WithDefault("2000")
        int indexMaxParts();

        /** MIME nesting (multiparts, attached messages) indexed; deeper parts are opaque. */
        @WithDefault("40")
        int indexMaxDepth();

        /**
         * How long the change-event sender gathers events after the first one before it sends them as one batch,
         * in one transaction, with events of one kind for one mailbox merged into the latest. Watchers hear of a
         * change this much later; 0 sends each event as soon as the sender is free.
         */
        @WithDefault("10ms")
        Duration changeBatchDelay();

        /** Messages per batch in streamed replies (select snapshot, fetch, search). */
        @WithDefault("10000")
        int streamBatchSize();

        StatementTimeout statementTimeout();
    }

    /**
     * How long one SQL statement may run, per call class; past it PostgreSQL cancels it and the call fails with
     * RESOURCE_EXHAUSTED and the trailer {@code x-limit: statement-timeout}. 0 means no limit. The front ends give
     * store calls 30 s (StoreDeadlines), so these stay below it: the store answers before its caller gives up.
     */
    interface StatementTimeout {
        /** Every front-end call but SEARCH. */
        @WithDefault("25s")
        Duration call();

        /** SEARCH, whose cost the IMAP client chooses. */
        @WithDefault("20s")
        Duration search();

        /** Background jobs: POP3 retention, blob collection. */
        @WithDefault("10m")
        Duration job();
    }

    interface S3 {
        @WithDefault("http://127.0.0.1:19000")
        String endpoint();

        @WithDefault("mail-local")
        String accessKey();

        @WithDefault("mail-local-secret")
        String secretKey();

        @WithDefault("mail")
        String bucket();

        @WithDefault("us-east-1")
        String region();

        /** Memory for the bytes of recently read small blobs (0: none); see BlobCache. */
        @WithDefault("67108864")
        long cacheBytes();

        /** Only blobs up to this size are cached; larger ones are always read (ranged) from S3. */
        @WithDefault("262144")
        int cacheMaxObject();
    }

    interface Auth {
        /** Failures are counted in windows of this length. */
        @WithDefault("PT15M")
        Duration failureWindow();

        /** The delay after the first failure of a user name from an IP; it doubles with each further one. */
        @WithDefault("PT0.5S")
        Duration baseDelay();

        @WithDefault("PT10S")
        Duration maxDelay();

        /**
         * How long a password that passed the Argon2id check is recognised again without running Argon2id (an HMAC
         * of it, in memory only). PT0S turns this off: every login then costs a full Argon2id run.
         */
        @WithDefault("PT10M")
        Duration verifiedTtl();

        /** At most this many recently verified passwords are remembered (about 300 bytes each). */
        @WithDefault("20000")
        int verifiedMaxEntries();

        /** Threads that run Argon2id for logins; 0 means one per core. */
        @WithDefault("0")
        int hashThreads();

        /** Login checks that may wait for a thread; past it a login is refused with UNAVAILABLE ("try later"). */
        @WithDefault("32")
        int hashQueue();

        /**
         * Failed logins of one user name from one IP in a window after which its attempts are refused without
         * checking the password, until the window ends. Below it, each attempt must wait the delay its failures
         * earned (base-delay doubling, at most max-delay), or is refused unchecked.
         */
        @WithDefault("10")
        int userIpRefuseAfter();

        /** Failed logins from one IP, whatever the user names, after which its attempts are refused unchecked. */
        @WithDefault("100")
        int ipRefuseAfter();
    }

    /**
     * The platform's default quota: it applies to every account whose domain sets no default and that has no limit
     * of its own (0 means unlimited). Written to the database at start (QuotaDefaults), so that the quota checks
     * stay single SQL statements; with several replicas the last one started wins.
     */
    interface Quota {
        /** 1 GiB: a mailbox that holds years of ordinary mail, small enough that one account cannot fill a disk. */
        @WithDefault("1073741824")
        long defaultStorage();

        @WithDefault("100000")
        long defaultMessages();

        /**
         * Usage percentages (of the storage or the message limit, whichever is fuller) at which the account gets one
         * warning message in its INBOX, not counted against its quota; "none" sends none. Falling back below a
         * threshold re-arms its warning.
         */
        @WithDefault("80,95")
        String warningPercents();

        /** At or above this usage percentage every IMAP login gets an {@code * OK [ALERT]}; 0 turns it off. */
        @WithDefault("95")
        int alertPercent();

        /** The warnings' From address; by default postmaster at the account's domain. */
        Optional<String> warningFrom();
    }

    interface BlobGc {
        /** An unreferenced blob is deleted only after it has been unused this long. */
        @WithDefault("PT1H")
        Duration grace();

        @WithDefault("10m")
        String interval();

        /**
         * How many S3 keys one pass of the orphan sweep lists. Each pass goes on from where the last one stopped,
         * so a pass costs the same however big the bucket is, and the sweep covers it over several passes.
         */
        @WithDefault("10000")
        int scanBatch();
    }
}
