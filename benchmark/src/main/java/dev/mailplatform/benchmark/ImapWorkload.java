package dev.mailplatform.benchmark;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The mixed IMAP workload. Each session of a client: LOGIN, SELECT INBOX, FETCH 1:* (UID FLAGS), FETCH of ten
 * ENVELOPEs, FETCH BODY.PEEK[] of one message, SEARCH SUBJECT "multipart", FETCH BODY.PEEK[2] (the attachment) of
 * one found, UID STORE toggling \Flagged on one message, APPEND of a new message, UID STORE +FLAGS (\Deleted) and
 * EXPUNGE of one, IDLE (entered and left at once), LIST, STATUS, LOGOUT. The client tracks how many messages and
 * \Flagged messages each of its mailboxes must hold and checks SELECT, FETCH FLAGS and STATUS against that in every
 * session and once more after the run.
 */
final class ImapWorkload {

    private static final Pattern EXISTS = Pattern.compile("^\\* (\\d+) EXISTS", Pattern.CASE_INSENSITIVE);
    private static final Pattern FETCH_FLAGS = Pattern.compile(
            "^\\* (\\d+) FETCH \\(.*?(?:UID (\\d+)).*?FLAGS \\(([^)]*)\\)|^\\* (\\d+) FETCH \\(.*?FLAGS \\(([^)]*)\\).*?UID (\\d+)",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern STATUS_MESSAGES = Pattern.compile("MESSAGES (\\d+)", Pattern.CASE_INSENSITIVE);

    /** What a mailbox must hold; null fields until the client has seen it once. */
    static final class Expected {
        Integer count;
        Integer flagged;
    }

    record Msg(int seq, long uid, boolean flagged) {
    }

    private final Target t;
    final Stats stats = new Stats();
    final AtomicLong consistencyErrors = new AtomicLong();
    final AtomicLong checks = new AtomicLong();
    final ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
    private final Expected[] expected;

    ImapWorkload(Target t) {
        this.t = t;
        this.expected = new Expected[t.users() + 1];
        for (int u = 1; u <= t.users(); u++) {
            expected[u] = new Expected();
        }
    }

    /** Fills each user's INBOX up to the configured number of messages, by APPEND (not measured). */
    void seed() throws Exception {
        runPerClient(c -> {
            for (int u = c + 1; u <= t.users(); u += t.clients()) {
                try (ImapClient imap = connect()) {
                    login(imap, u, null);
                    ImapClient.Reply sel = imap.command("SELECT INBOX");
                    require(sel, "SELECT");
                    int exists = exists(sel);
                    for (int i = exists; i < t.messages(); i++) {
                        require(imap.append("INBOX", i % 2 == 0 ? "\\Seen" : "", Messages.message(t.user(u), i,
                                t.randomSeed())), "APPEND");
                    }
                    imap.command("LOGOUT");
                }
            }
            return null;
        });
    }

    /** The timed phase: every client runs sessions until the deadline. Returns the wall time in nanoseconds. */
    long run() throws Exception {
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(t.seconds());
        runPerClient(c -> {
            Random r = new Random(t.randomSeed() + c);
            int n = 0;
            List<Integer> mine = new ArrayList<>();
            for (int u = c + 1; u <= t.users(); u += t.clients()) {
                mine.add(u);
            }
            while (System.nanoTime() < deadline) {
                session(mine.get(n++ % mine.size()), r);
            }
            return null;
        });
        return System.nanoTime() - start;
    }

    /** After the run: every mailbox seen must hold what its client expects. */
    void verify() throws Exception {
        runPerClient(c -> {
            for (int u = c + 1; u <= t.users(); u += t.clients()) {
                Expected e = expected[u];
                if (e.count == null) {
                    continue;
                }
                try (ImapClient imap = connect()) {
                    login(imap, u, null);
                    ImapClient.Reply sel = imap.command("SELECT INBOX");
                    require(sel, "SELECT");
                    List<Msg> msgs = parseFlags(imap.command("FETCH 1:* (UID FLAGS)"));
                    check(u, "messages after the run", e.count, exists(sel));
                    check(u, "\\Flagged after the run", e.flagged, (int) msgs.stream().filter(Msg::flagged).count());
                    imap.command("LOGOUT");
                }
            }
            return null;
        });
    }

    private void session(int u, Random r) {
        Expected e = expected[u];
        String[] current = {"CONNECT"};
        try (ImapClient imap = connect()) {
            login(imap, u, current);
            ImapClient.Reply sel = timed(imap, current, "SELECT", "SELECT INBOX");
            int exists = exists(sel);
            if (e.count != null) {
                check(u, "SELECT EXISTS", e.count, exists);
            }
            List<Msg> msgs = exists == 0 ? List.of() : parseFlags(timed(imap, current, "FETCH FLAGS",
                    "FETCH 1:* (UID FLAGS)"));
            int flagged = (int) msgs.stream().filter(Msg::flagged).count();
            if (exists > 0) {
                check(u, "FETCH FLAGS lines", exists, msgs.size());
            }
            if (e.flagged != null) {
                check(u, "\\Flagged", e.flagged, flagged);
            }
            e.count = exists;
            e.flagged = flagged;
            if (exists > 0) {
                int from = 1 + r.nextInt(exists);
                timed(imap, current, "FETCH ENVELOPE", "FETCH " + from + ":" + Math.min(exists, from + 9)
                        + " (UID ENVELOPE)");
                timed(imap, current, "FETCH BODY[]", "FETCH " + (1 + r.nextInt(exists)) + " (BODY.PEEK[])");
                ImapClient.Reply found = timed(imap, current, "SEARCH", "SEARCH SUBJECT \"multipart\"");
                List<Integer> multipart = searchResult(found);
                if (!multipart.isEmpty()) {
                    timed(imap, current, "FETCH BODY[2]", "FETCH " + multipart.get(r.nextInt(multipart.size()))
                            + " (BODY.PEEK[2])");
                }
                Msg m = msgs.get(r.nextInt(msgs.size()));
                timed(imap, current, "STORE", "UID STORE " + m.uid() + (m.flagged() ? " -" : " +")
                        + "FLAGS.SILENT (\\Flagged)");
                e.flagged += m.flagged() ? -1 : 1;
                msgs.set(m.seq() - 1, new Msg(m.seq(), m.uid(), !m.flagged()));
            }
            int index = t.messages() + r.nextInt(1_000_000);
            current[0] = "APPEND";
            long s = System.nanoTime();
            ImapClient.Reply app = imap.append("INBOX", "", Messages.message(t.user(u), index, t.randomSeed()));
            record("APPEND", app, s);
            e.count++;
            if (!msgs.isEmpty()) {
                Msg gone = msgs.get(r.nextInt(msgs.size()));
                timed(imap, current, "STORE", "UID STORE " + gone.uid() + " +FLAGS.SILENT (\\Deleted)");
                timed(imap, current, "EXPUNGE", "EXPUNGE");
                e.count--;
                if (gone.flagged()) {
                    e.flagged--;
                }
            }
            current[0] = "IDLE";
            s = System.nanoTime();
            record("IDLE", imap.idleAndDone(), s);
            timed(imap, current, "LIST", "LIST \"\" \"*\"");
            ImapClient.Reply st = timed(imap, current, "STATUS", "STATUS INBOX (MESSAGES UNSEEN)");
            Matcher mm = STATUS_MESSAGES.matcher(String.join("\n", st.untagged()));
            if (mm.find()) {
                check(u, "STATUS MESSAGES", e.count, Integer.parseInt(mm.group(1)));
            }
            timed(imap, current, "LOGOUT", "LOGOUT");
        } catch (IOException | RuntimeException ex) {
            stats.of(current[0]).error();
            problem("user " + u + ": " + current[0] + " failed: " + ex);
            // What the mailbox holds is now unknown: learn it again at the next session.
            e.count = null;
            e.flagged = null;
        }
    }

    private void login(ImapClient imap, int u, String[] current) throws IOException {
        String cmd = "LOGIN " + ImapClient.quote(t.user(u)) + " " + ImapClient.quote(t.password(u));
        if (current == null) {
            require(imap.command(cmd), "LOGIN");
        } else {
            timed(imap, current, "LOGIN", cmd);
        }
    }

    private ImapClient.Reply timed(ImapClient imap, String[] current, String name, String command)
            throws IOException {
        current[0] = name;
        long s = System.nanoTime();
        return record(name, imap.command(command), s);
    }

    private ImapClient.Reply record(String name, ImapClient.Reply reply, long startNanos) throws IOException {
        if (!reply.ok()) {
            // Counted as an error of this command by session()'s catch.
            throw new IOException(name + " answered " + reply.status());
        }
        stats.of(name).add(System.nanoTime() - startNanos);
        return reply;
    }

    private void check(int u, String what, Integer want, int got) {
        checks.incrementAndGet();
        if (want != null && want != got) {
            consistencyErrors.incrementAndGet();
            problem("user " + u + ": " + what + " is " + got + ", expected " + want);
        }
    }

    private void problem(String p) {
        if (problems.size() < 20) {
            problems.add(p);
        }
    }

    ImapClient connect() throws IOException {
        return new ImapClient(t.host(), t.port(), t.timeoutMillis());
    }

    static void require(ImapClient.Reply reply, String what) throws IOException {
        if (!reply.ok()) {
            throw new IOException(what + " answered " + reply.status());
        }
    }

    static int exists(ImapClient.Reply sel) {
        int n = -1;
        for (String line : sel.untagged()) {
            Matcher m = EXISTS.matcher(line);
            if (m.find()) {
                n = Integer.parseInt(m.group(1));
            }
        }
        if (n < 0) {
            throw new IllegalStateException("SELECT gave no EXISTS");
        }
        return n;
    }

    static List<Msg> parseFlags(ImapClient.Reply fetch) {
        List<Msg> out = new ArrayList<>();
        for (String line : fetch.untagged()) {
            Matcher m = FETCH_FLAGS.matcher(line);
            if (m.find()) {
                boolean first = m.group(1) != null;
                int seq = Integer.parseInt(first ? m.group(1) : m.group(4));
                long uid = Long.parseLong(first ? m.group(2) : m.group(6));
                String flags = first ? m.group(3) : m.group(5);
                out.add(new Msg(seq, uid, flags.toLowerCase().contains("\\flagged")));
            }
        }
        out.sort((a, b) -> Integer.compare(a.seq(), b.seq()));
        return out;
    }

    static List<Integer> searchResult(ImapClient.Reply search) {
        List<Integer> out = new ArrayList<>();
        for (String line : search.untagged()) {
            if (line.regionMatches(true, 0, "* SEARCH", 0, 8)) {
                for (String n : line.substring(8).trim().split("\\s+")) {
                    if (!n.isEmpty()) {
                        out.add(Integer.parseInt(n));
                    }
                }
            }
        }
        return out;
    }

    /** Opens K connections that LOGIN, SELECT INBOX and IDLE; returns them (the caller measures, then closes). */
    List<ImapClient> openIdle(int k) throws IOException {
        List<ImapClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < k; i++) {
                int u = 1 + i % t.users();
                ImapClient imap = connect();
                open.add(imap);
                login(imap, u, null);
                require(imap.command("SELECT INBOX"), "SELECT");
                if (imap.startIdle() == null) {
                    throw new IOException("IDLE refused on connection " + (i + 1));
                }
            }
            return open;
        } catch (IOException | RuntimeException e) {
            open.forEach(ImapClient::close);
            throw new IOException("opening IDLE connection " + (open.size()) + " of " + k + ": " + e.getMessage(), e);
        }
    }

    interface ClientTask {
        Void run(int client) throws Exception;
    }

    void runPerClient(ClientTask task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(t.clients());
        try {
            List<Future<Void>> fs = new ArrayList<>();
            for (int c = 0; c < t.clients(); c++) {
                int client = c;
                fs.add(pool.submit(() -> task.run(client)));
            }
            for (Future<Void> f : fs) {
                f.get(t.seconds() + 600L, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
