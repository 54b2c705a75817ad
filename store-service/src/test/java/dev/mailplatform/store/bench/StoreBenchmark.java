package dev.mailplatform.store.bench;

import com.google.protobuf.ByteString;
import dev.mailplatform.store.v1.Account;
import dev.mailplatform.store.v1.AccountServiceGrpc;
import dev.mailplatform.store.v1.AppendHeader;
import dev.mailplatform.store.v1.AppendRequest;
import dev.mailplatform.store.v1.CreateAccountRequest;
import dev.mailplatform.store.v1.FetchMetadataRequest;
import dev.mailplatform.store.v1.FetchMetadataResponse;
import dev.mailplatform.store.v1.MailboxRef;
import dev.mailplatform.store.v1.MessageService;
import dev.mailplatform.store.v1.MessageServiceGrpc;
import dev.mailplatform.store.v1.SelectRequest;
import dev.mailplatform.store.v1.SelectResponse;
import dev.mailplatform.store.v1.UidRange;
import dev.mailplatform.store.v1.UidSet;
import dev.mailplatform.testkit.StoreInfraResource;
import dev.mailplatform.testkit.StoreTestClient;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Multi;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The store benchmark: not a test with a time limit, a harness that prints figures. Run it with
 * {@code ./mvnw -pl store-service -am verify -Pbench} (see the README). It measures, over real gRPC against embedded
 * PostgreSQL and s3proxy:
 * <ul>
 *   <li>APPEND msgs/s with 8 concurrent clients, realistic 5-100 KB MIME messages, all different;</li>
 *   <li>the SELECT snapshot of a 100k-message mailbox (header and every uid/flags/modseq streamed);</li>
 *   <li>FETCH FLAGS of 1:* on that mailbox.</li>
 * </ul>
 */
@QuarkusTest
@QuarkusTestResource(StoreInfraResource.class)
@Tag("bench")
class StoreBenchmark {

    static final int APPENDERS = Integer.getInteger("bench.appenders", 8);
    static final int APPEND_SECONDS = Integer.getInteger("bench.append.seconds", 60);
    static final int WARMUP_SECONDS = Integer.getInteger("bench.warmup.seconds", 150);
    static final int BIG_MAILBOX = Integer.getInteger("bench.mailbox.size", 100_000);

    @GrpcClient("store")
    AccountServiceGrpc.AccountServiceBlockingStub accounts;

    @GrpcClient("store")
    MessageServiceGrpc.MessageServiceBlockingStub messages;

    @GrpcClient("store")
    MessageService messagesAsync;

    @Test
    void benchmark() throws Exception {
        StringBuilder report = new StringBuilder("\n==== store benchmark ====\n");
        s3Latency(report);
        appendThroughput(report);
        bigMailbox(report);
        report.append("=========================\n");
        System.out.println(report);
    }

    @jakarta.inject.Inject
    dev.mailplatform.store.blob.BlobStore blobStore;

    @jakarta.inject.Inject
    io.micrometer.core.instrument.MeterRegistry registry;

    /** The S3 server's own cost per request, for reading the APPEND figure. */
    private void s3Latency(StringBuilder report) throws Exception {
        Random rnd = new Random(9);
        byte[] body = new byte[50_000];
        int n = 300;
        long[] put = new long[n];
        long[] head = new long[n];
        for (int i = 0; i < n; i++) {
            rnd.nextBytes(body);
            String hash = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(body));
            long t0 = System.nanoTime();
            blobStore.put(hash, body, body.length);
            long t1 = System.nanoTime();
            blobStore.exists(hash);
            put[i] = t1 - t0;
            head[i] = System.nanoTime() - t1;
        }
        report.append(String.format("S3 (one client, 50 KB): PUT median %.1f ms, HEAD median %.1f ms%n",
                median(Arrays.copyOfRange(put, 100, n)), median(Arrays.copyOfRange(head, 100, n))));
    }

    private Account account(String name) {
        return accounts.createAccount(CreateAccountRequest.newBuilder()
                .setAddress(name + System.nanoTime() + "@bench.example.test").setPassword("benchmark-password")
                .setCreateDomain(true).build());
    }

    /** A multipart message of about the given size: a text part and a base64 attachment, unique bytes. */
    static byte[] message(Random rnd, int size, int n) {
        int attachment = Math.max(0, (size - 1200) * 3 / 4);
        byte[] bin = new byte[attachment];
        rnd.nextBytes(bin);
        String b64 = Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(bin);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            text.append("Line ").append(i).append(" of message ").append(n).append(": the quick brown fox ")
                    .append(rnd.nextInt()).append("\r\n");
        }
        return ("From: Bench <bench@example.org>\r\nTo: user@example.net\r\nSubject: benchmark message " + n + "\r\n"
                + "Date: Thu, 07 Mar 2024 09:00:00 +0000\r\nMessage-ID: <" + n + "." + rnd.nextLong()
                + "@example.org>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"bb\"\r\n\r\n"
                + "--bb\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + text
                + "--bb\r\nContent-Type: application/pdf; name=\"f.pdf\"\r\nContent-Transfer-Encoding: base64\r\n"
                + "Content-Disposition: attachment; filename=\"f.pdf\"\r\n\r\n" + b64 + "\r\n--bb--\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    private void append(MailboxRef ref, byte[] msg) {
        List<AppendRequest> reqs = new ArrayList<>();
        reqs.add(AppendRequest.newBuilder().setHeader(AppendHeader.newBuilder().setMailbox(ref)
                .setDeclaredSize(msg.length)).build());
        for (int i = 0; i < msg.length; i += 64 * 1024) {
            reqs.add(AppendRequest.newBuilder().setChunk(ByteString.copyFrom(msg, i, Math.min(64 * 1024,
                    msg.length - i))).build());
        }
        messagesAsync.append(Multi.createFrom().iterable(reqs)).await().atMost(Duration.ofSeconds(60));
    }

    private void appendThroughput(StringBuilder report) throws Exception {
        // Each client as a user of its own (the common case: the mailboxes' UID counters are independent), and all
        // of them into one mailbox (the worst case: each append waits for the one before to commit).
        List<MailboxRef> own = new ArrayList<>();
        for (int i = 0; i < APPENDERS; i++) {
            own.add(MailboxRef.newBuilder().setAccountId(account("append" + i).getId()).setMailbox("INBOX").build());
        }
        List<MailboxRef> shared = List.of(MailboxRef.newBuilder().setAccountId(account("shared").getId())
                .setMailbox("INBOX").build());
        int port = org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getValue("quarkus.grpc.clients.store.port", Integer.class);
        List<io.grpc.ManagedChannel> channels = new ArrayList<>();
        for (int i = 0; i < APPENDERS; i++) {
            // Replies are handled on the channel's event loop, as the front ends' Mutiny stubs handle them on Vert.x,
            // not handed to one more thread.
            channels.add(dev.mailplatform.testkit.TestCertificates.channel("127.0.0.1", port)
                    .directExecutor().build());
        }
        // The clients' threads live through every phase, so that the CPU report counts them by name.
        ExecutorService pool = Executors.newFixedThreadPool(APPENDERS, r -> new Thread(r, "bench-client"));
        String pgSet = System.getProperty("bench.pg.set");
        if (pgSet != null) {
            try (Connection c = DriverManager.getConnection(StoreInfraResource.jdbcUrl(), StoreInfraResource.dbUser(),
                    StoreInfraResource.dbPassword()); Statement s = c.createStatement()) {
                for (String kv : pgSet.split(",")) {
                    String[] p = kv.split("=");
                    s.execute("ALTER SYSTEM SET " + p[0] + " = '" + p[1] + "'");
                }
                s.execute("SELECT pg_reload_conf()");
            }
            report.append("PostgreSQL settings: " + pgSet + "\n");
        }
        // Warm-up with the same load, not counted. On two cores that the load itself keeps busy, the JIT compiler
        // needs minutes to finish: after 60 s it still took a sixth of the CPU, after 150 s about 2 %.
        appendLoad(pool, own, channels, WARMUP_SECONDS, 0, new AtomicInteger(), new AtomicLong());
        appendPhase(report, "each into its own account", pool, own, channels, APPEND_SECONDS, 1);
        appendPhase(report, "all into one mailbox", pool, shared, channels, Math.max(10, APPEND_SECONDS / 2), 2);
        pool.shutdown();
        channels.forEach(io.grpc.ManagedChannel::shutdownNow);
    }

    private void appendPhase(StringBuilder report, String what, ExecutorService pool, List<MailboxRef> refs,
            List<io.grpc.ManagedChannel> channels, int seconds, int round) throws Exception {
        AtomicInteger count = new AtomicInteger();
        AtomicLong bytes = new AtomicLong();
        CpuMeter cpu = new CpuMeter(postmasterPid());
        long[] pg0 = postgresWrites();
        io.micrometer.core.instrument.DistributionSummary groups = registry.get("mail.store.append.group").summary();
        long groups0 = groups.count();
        double grouped0 = groups.totalAmount();
        cpu.start();
        long start = System.nanoTime();
        appendLoad(pool, refs, channels, seconds, round, count, bytes);
        double secs = (System.nanoTime() - start) / 1e9;
        String cpuReport = cpu.report(count.get());
        long commits = groups.count() - groups0;
        report.append(String.format("APPEND, %d clients %s: %d messages (avg %.1f KB) in %.1f s = %.0f msgs/s, "
                + "%.1f MB/s (after %d s of warm-up)%n", APPENDERS, what, count.get(),
                bytes.get() / 1024.0 / count.get(), secs, count.get() / secs, bytes.get() / secs / 1e6,
                WARMUP_SECONDS));
        report.append(String.format("  appends per commit: %.2f (%d commits, groups of up to %d)%n",
                (groups.totalAmount() - grouped0) / Math.max(1, commits), commits, (long) groups.max()));
        report.append(cpuReport);
        long[] pg1 = postgresWrites();
        int n = Math.max(1, count.get());
        report.append(String.format("  PostgreSQL per message: WAL %.1f KB in %.1f records (%.2f full pages), %.2f WAL "
                + "flushes; buffers written by checkpoints %.2f, the background writer %.2f, backends %.2f%n",
                (pg1[0] - pg0[0]) / 1024.0 / n, (pg1[1] - pg0[1]) / (double) n, (pg1[2] - pg0[2]) / (double) n,
                (pg1[3] - pg0[3]) / (double) n, (pg1[4] - pg0[4]) / (double) n, (pg1[5] - pg0[5]) / (double) n,
                (pg1[6] - pg0[6]) / (double) n));
    }

    /**
     * PostgreSQL's write counters: WAL bytes, records, full-page images and syncs, then shared buffers written by
     * checkpoints, the background writer and backends. Where the cost of an append is in its writes, these say which.
     */
    private static long[] postgresWrites() throws Exception {
        try (Connection c = DriverManager.getConnection(StoreInfraResource.jdbcUrl(), StoreInfraResource.dbUser(),
                StoreInfraResource.dbPassword()); Statement s = c.createStatement();
                java.sql.ResultSet rs = s.executeQuery("SELECT w.wal_bytes::bigint, w.wal_records, w.wal_fpi, w.wal_sync,"
                        + " c.buffers_written, b.buffers_clean, (SELECT sum(writes)::bigint FROM pg_stat_io"
                        + " WHERE backend_type = 'client backend') FROM pg_stat_wal w, pg_stat_checkpointer c,"
                        + " pg_stat_bgwriter b")) {
            rs.next();
            long[] out = new long[7];
            for (int i = 0; i < out.length; i++) {
                out[i] = rs.getLong(i + 1);
            }
            return out;
        }
    }

    /** The parent of a backend process is the postmaster. */
    private static long postmasterPid() throws Exception {
        try (Connection c = DriverManager.getConnection(StoreInfraResource.jdbcUrl(), StoreInfraResource.dbUser(),
                StoreInfraResource.dbPassword()); Statement s = c.createStatement();
                java.sql.ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return ProcessHandle.of(rs.getLong(1)).flatMap(ProcessHandle::parent).map(ProcessHandle::pid).orElse(-1L);
        }
    }

    private void appendLoad(ExecutorService pool, List<MailboxRef> refs, List<io.grpc.ManagedChannel> channels,
            int seconds, int round, AtomicInteger count, AtomicLong bytes) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        List<Future<?>> fs = new ArrayList<>();
        for (int w = 0; w < APPENDERS; w++) {
            int seed = w + round * 1000;
            fs.add(pool.submit(() -> {
                Random rnd = new Random(1000 + seed);
                // Pre-build a few messages so the client's own work stays small.
                List<byte[]> msgs = new ArrayList<>();
                for (int i = 0; i < 64; i++) {
                    msgs.add(message(rnd, 5_000 + rnd.nextInt(95_000), seed * 1_000_000 + i));
                }
                int i = 0;
                while (System.nanoTime() < deadline) {
                    byte[] m = msgs.get(i % msgs.size());
                    // Make every message distinct (no dedup shortcut): rewrite the Message-ID digits.
                    byte[] unique = Arrays.copyOf(m, m.length);
                    String id = String.format("%010d", seed * 100_000_000L + i);
                    byte[] idb = id.getBytes(StandardCharsets.US_ASCII);
                    System.arraycopy(idb, 0, unique, unique.length - 20 - idb.length, idb.length);
                    // One client with its own connection, as each front-end replica has.
                    StoreTestClient.append(channels.get(seed % APPENDERS), refs.get(seed % refs.size()), unique);
                    count.incrementAndGet();
                    bytes.addAndGet(unique.length);
                    i++;
                }
                return null;
            }));
        }
        for (Future<?> f : fs) {
            f.get();
        }
    }

    private void bigMailbox(StringBuilder report) throws Exception {
        Account a = account("big");
        MailboxRef ref = MailboxRef.newBuilder().setAccountId(a.getId()).setMailbox("INBOX").build();
        // Fill the mailbox through SQL: appending 100k messages over gRPC would only measure APPEND again. Each
        // message gets a content row of its own with searchable header and body text (as the MIME index writes
        // it, trigram-indexed), a realistic flag mix, and counters to match. Their S3 objects are not written:
        // SELECT, FETCH FLAGS and SEARCH never read them.
        append(ref, message(new Random(5), 20_000, 0));
        long t0 = System.nanoTime();
        try (Connection c = DriverManager.getConnection(StoreInfraResource.jdbcUrl(), StoreInfraResource.dbUser(),
                StoreInfraResource.dbPassword()); Statement s = c.createStatement()) {
            String mb = "(SELECT id FROM mailbox WHERE account_id = " + a.getId() + " AND name = 'INBOX')";
            String words = "ARRAY['invoice','meeting','report','holiday','project','budget','release','lunch',"
                    + "'contract','review']";
            s.executeUpdate("INSERT INTO blob (hash, size, header_size, header_raw, envelope, body_structure, "
                    + "search_header, search_body, stored) SELECT 'bench' || " + a.getId() + " || '-' || g, 20000, 400, "
                    + "''::bytea, ''::bytea, ''::bytea, 'from: sender' || (g % 5000) || '@example.org' || chr(10) "
                    + "|| 'to: big@example.test' || chr(10) || 'subject: ' || (" + words + ")[g % 10 + 1] || ' number ' "
                    + "|| g || chr(10), repeat(md5(g::text) || ' ' || (" + words + ")[(g / 7) % 10 + 1] || ' ', 12), "
                    + "TRUE FROM generate_series(2, " + BIG_MAILBOX + ") g");
            s.executeUpdate("INSERT INTO message (mailbox_id, uid, blob_hash, system_flags, keywords, modseq, size, "
                    + "internal_date, email_id) SELECT " + mb + ", g, 'bench' || " + a.getId() + " || '-' || g, "
                    + "CASE WHEN g % 10 < 7 THEN 1 ELSE 0 END | CASE WHEN g % 50 = 0 THEN 4 ELSE 0 END, "
                    + "CASE WHEN g % 100 = 0 THEN ARRAY['$Forwarded'] ELSE '{}'::text[] END, g + 1, 20000, "
                    + "now() - make_interval(mins => g), 'B' || g FROM generate_series(2, " + BIG_MAILBOX + ") g");
            s.executeUpdate("UPDATE mailbox SET uidnext = " + (BIG_MAILBOX + 1) + ", highest_modseq = "
                    + (BIG_MAILBOX + 2) + ", messages = " + BIG_MAILBOX + ", unseen = (SELECT count(*) FROM message "
                    + "WHERE mailbox_id = " + mb + " AND system_flags & 1 = 0), size = (SELECT sum(size) FROM message "
                    + "WHERE mailbox_id = " + mb + ") WHERE id = " + mb);
            s.execute("VACUUM ANALYZE message");
            s.execute("VACUUM ANALYZE blob");
        }
        report.append(String.format("(filled a %d-message mailbox by SQL in %.1f s)%n", BIG_MAILBOX,
                (System.nanoTime() - t0) / 1e9));

        long[] select = new long[7];
        long[] fetch = new long[7];
        for (int run = 0; run < select.length; run++) {
            long s0 = System.nanoTime();
            Iterator<SelectResponse> it = messages.select(SelectRequest.newBuilder().setMailbox(ref).build());
            int n = 0;
            while (it.hasNext()) {
                SelectResponse r = it.next();
                n += r.getBatch().getMessagesCount();
            }
            select[run] = System.nanoTime() - s0;
            if (n != BIG_MAILBOX) {
                throw new AssertionError("snapshot had " + n + " messages");
            }
            long f0 = System.nanoTime();
            Iterator<FetchMetadataResponse> ft = messages.fetchMetadata(FetchMetadataRequest.newBuilder()
                    .setMailbox(ref).setUids(UidSet.newBuilder().addRanges(UidRange.newBuilder().setFirst(1)
                            .setLast(-1))).setFlags(true).build());
            int m = 0;
            while (ft.hasNext()) {
                m += ft.next().getMessagesCount();
            }
            fetch[run] = System.nanoTime() - f0;
            if (m != BIG_MAILBOX) {
                throw new AssertionError("fetch had " + m + " messages");
            }
        }
        report.append(String.format("SELECT snapshot of %d messages: median %.0f ms (runs: %s)%n", BIG_MAILBOX,
                median(select), ms(select)));
        report.append(String.format("FETCH 1:* FLAGS of %d messages: median %.0f ms (runs: %s)%n", BIG_MAILBOX,
                median(fetch), ms(fetch)));

        // SEARCH over the 100k messages: a selective header match, a body substring, and a flag.
        String one = "number " + (BIG_MAILBOX - 12345);
        String md5 = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5")
                .digest(String.valueOf(BIG_MAILBOX / 2).getBytes(StandardCharsets.US_ASCII))).substring(3, 15);
        Object[][] searches = {
            {"SUBJECT \"" + one + "\"", dev.mailplatform.store.v1.SearchKey.newBuilder().setHeader(
                    dev.mailplatform.store.v1.HeaderTest.newBuilder().setField("subject").setValue(one)).build()},
            {"BODY \"" + md5 + "\"", dev.mailplatform.store.v1.SearchKey.newBuilder().setBody(md5).build()},
            {"FROM \"sender4321@\"", dev.mailplatform.store.v1.SearchKey.newBuilder().setHeader(
                    dev.mailplatform.store.v1.HeaderTest.newBuilder().setField("from").setValue("sender4321@")).build()},
            {"FLAGGED", dev.mailplatform.store.v1.SearchKey.newBuilder().setFlags(
                    dev.mailplatform.store.v1.FlagTest.newBuilder().setSystem(4)).build()},
        };
        for (Object[] q : searches) {
            long[] t = new long[5];
            int hits = 0;
            for (int run = 0; run < t.length; run++) {
                long s0 = System.nanoTime();
                hits = 0;
                Iterator<dev.mailplatform.store.v1.SearchResponse> it = messages.search(
                        dev.mailplatform.store.v1.SearchRequest.newBuilder().setMailbox(ref)
                                .setCriteria((dev.mailplatform.store.v1.SearchKey) q[1]).build());
                while (it.hasNext()) {
                    hits += it.next().getUidsCount();
                }
                t[run] = System.nanoTime() - s0;
            }
            report.append(String.format("SEARCH %s on %d messages: %d hits, median %.0f ms (runs: %s)%n", q[0],
                    BIG_MAILBOX, hits, median(t), ms(t)));
        }
    }

    private static double median(long[] nanos) {
        long[] c = nanos.clone();
        Arrays.sort(c);
        return c[c.length / 2] / 1e6;
    }

    private static String ms(long[] nanos) {
        StringBuilder sb = new StringBuilder();
        for (long n : nanos) {
            sb.append(sb.length() == 0 ? "" : ", ").append(Math.round(n / 1e6));
        }
        return sb.toString();
    }
}
