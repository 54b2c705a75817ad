package dev.mailplatform.imap.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailplatform.imap.service.ImapClient;
import dev.mailplatform.store.v1.Account;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Correct across replicas: two store-service and two imap-service processes (the packaged jars) on one PostgreSQL and
 * one S3 ({@link ImapReplicas}). A client in IDLE on imap A is told of what a client does through imap B within one
 * second, with the right untagged responses; a client that comes back to A with QRESYNC ends with exactly the
 * server's UID/FLAGS/MODSEQ list.
 */
class ImapCrossReplicaIT {

    static final String MESSAGE = "Subject: replica\r\n\r\nacross replicas\r\n";
    static final long ONE_SECOND = 1_000_000_000L;
    static final Pattern HIGHEST = Pattern.compile("\\[HIGHESTMODSEQ (\\d+)]");
    static final Pattern UIDVALIDITY = Pattern.compile("\\[UIDVALIDITY (\\d+)]");
    static final Pattern FETCH = Pattern.compile("\\* \\d+ FETCH \\((.*)\\)");
    static final Pattern UID = Pattern.compile("(?:^|[ (])UID (\\d+)");
    static final Pattern FLAGS = Pattern.compile("(?:^|[ (])FLAGS \\(([^)]*)\\)");
    static final Pattern MODSEQ = Pattern.compile("(?:^|[ (])MODSEQ \\((\\d+)\\)");
    static final Pattern EXISTS = Pattern.compile("\\* (\\d+) EXISTS");

    static ImapReplicas replicas;

    @BeforeAll
    static void start() throws Exception {
        replicas = ImapReplicas.start();
    }

    @AfterAll
    static void stop() {
        if (replicas != null) {
            replicas.close();
        }
    }

    static void append(ImapClient c, String message) throws Exception {
        c.ok("APPEND INBOX {" + message.length() + "+}\r\n" + message);
    }

    /**
     * Reads lines until one matches {@code regex}, failing if none has arrived by {@code deadline}
     * ({@link System#nanoTime()}); returns every line read, the matching one last.
     */
    static List<String> await(ImapClient c, String regex, long deadline) throws Exception {
        List<String> seen = new ArrayList<>();
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            String line = left < 1 ? null : c.poll((int) left);
            if (line == null) {
                throw new AssertionError("no line matching " + regex + " within the deadline; saw: " + seen + " ("
                        + replicas.logs() + ")");
            }
            seen.add(line);
            if (line.matches(regex)) {
                return seen;
            }
        }
    }

    static Set<String> flagSet(String flags) {
        return new TreeSet<>(Arrays.asList(flags.trim().isEmpty() ? new String[0] : flags.trim().split(" ")));
    }

    /**
     * Reads lines until a {@code * 1 FETCH (UID 1 FLAGS (...))} shows {@code expected}, failing at {@code deadline}
     * or on a FETCH that shows any other flags than {@code expected} or {@code previous} (a repeat of the state
     * already reported is allowed: RFC 3501 §7.4.2 lets a server send FETCH at any time); returns every line read.
     * \Recent, which is the session's and not the message's, is left out of the comparison: see the caller.
     */
    static List<String> awaitFlags(ImapClient c, Set<String> previous, Set<String> expected, long deadline)
            throws Exception {
        List<String> seen = new ArrayList<>();
        while (true) {
            List<String> lines = await(c, "\\* 1 FETCH \\(UID 1 FLAGS \\(.*\\)\\)", deadline);
            seen.addAll(lines);
            Matcher m = FLAGS.matcher(lines.get(lines.size() - 1));
            assertTrue(m.find());
            Set<String> shown = flagSet(m.group(1));
            shown.remove("\\Recent");
            if (shown.equals(expected)) {
                return seen;
            }
            assertEquals(previous, shown, "a FETCH with neither the old nor the new flags: " + seen);
        }
    }

    static Set<String> with(Set<String> flags, String... more) {
        Set<String> out = new TreeSet<>(flags);
        out.addAll(Arrays.asList(more));
        return out;
    }

    @Test
    void idleOnOneReplicaHearsOfAppendFlagsKeywordsAndExpungeThroughTheOther() throws Exception {
        Account acc = replicas.newAccount();
        try (ImapClient idler = replicas.loginA(acc); ImapClient other = replicas.loginB(acc)) {
            idler.ok("SELECT INBOX");
            String tag = idler.nextTag();
            idler.write(tag + " IDLE\r\n");
            assertTrue(idler.readLine().startsWith("+ "));

            long t0 = System.nanoTime();
            append(other, MESSAGE);
            await(idler, "\\* 1 EXISTS", t0 + ONE_SECOND);
            // * n RECENT goes with EXISTS, in the same write: the idler's sync claims the new message (RFC 3501
            // §2.3.2), as no other session has the mailbox selected. (A race once let a sync show a message it had
            // not claimed: GetChanges read its pages past the modseq of its head; they now stop there.)
            String recent = idler.poll(1000);
            assertEquals("* 1 RECENT", recent, "RECENT after EXISTS");
            Set<String> flags = flagSet("");
            List<String> shown = new ArrayList<>();

            other.ok("SELECT INBOX");
            t0 = System.nanoTime();
            other.ok("STORE 1 +FLAGS (\\Flagged)");
            Set<String> before = flags;
            flags = with(flags, "\\Flagged");
            shown.addAll(awaitFlags(idler, before, flags, t0 + ONE_SECOND));

            t0 = System.nanoTime();
            other.ok("STORE 1 +FLAGS ($Replicated)");
            before = flags;
            flags = with(flags, "$Replicated");
            List<String> lines = awaitFlags(idler, before, flags, t0 + ONE_SECOND);
            shown.addAll(lines);
            // A new keyword is announced with an untagged FLAGS before the FETCH that shows it (RFC 3501 §7.2.6).
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("* FLAGS (") && flagSet(l.substring(9,
                    l.length() - 1)).contains("$Replicated")), "* FLAGS with $Replicated before the FETCH: " + lines);

            t0 = System.nanoTime();
            other.ok("STORE 1 +FLAGS.SILENT (\\Deleted)");
            before = flags;
            flags = with(flags, "\\Deleted");
            shown.addAll(awaitFlags(idler, before, flags, t0 + ONE_SECOND));
            List<String> fetches = shown.stream().filter(l -> l.startsWith("* 1 FETCH")).toList();
            assertTrue(fetches.stream().allMatch(l -> l.contains("\\Recent")), "claimed, so \\Recent: " + fetches);

            t0 = System.nanoTime();
            other.ok("EXPUNGE");
            await(idler, "\\* 1 EXPUNGE", t0 + ONE_SECOND);

            idler.write("DONE\r\n");
            assertEquals(tag + " OK IDLE terminated", idler.readLine());
            assertEquals("* SEARCH", idler.command("SEARCH ALL").get(0));
        }
    }

    /** One message as a client caches it: its flags (without \Recent, which is per session) and its MODSEQ. */
    record Cached(Set<String> flags, long modseq) {
    }

    /** Applies the FETCH responses among {@code lines} (UID, FLAGS and MODSEQ in any order) to {@code cache}. */
    static void applyFetches(List<String> lines, Map<Long, Cached> cache) {
        for (String l : lines) {
            Matcher f = FETCH.matcher(l);
            if (!f.matches()) {
                continue;
            }
            String items = f.group(1);
            Matcher uid = UID.matcher(items);
            Matcher flags = FLAGS.matcher(items);
            Matcher modseq = MODSEQ.matcher(items);
            assertTrue(uid.find() && flags.find() && modseq.find(), "UID, FLAGS and MODSEQ in " + l);
            Set<String> set = flagSet(flags.group(1));
            set.remove("\\Recent");
            cache.put(Long.parseLong(uid.group(1)), new Cached(set, Long.parseLong(modseq.group(1))));
        }
    }

    static Map<Long, Cached> fullList(ImapClient c) throws Exception {
        List<String> lines = c.command("UID FETCH 1:* (FLAGS MODSEQ)");
        assertTrue(lines.get(lines.size() - 1).matches("t\\d+ OK .*"), lines.toString());
        Map<Long, Cached> list = new TreeMap<>();
        applyFetches(lines, list);
        return list;
    }

    /** The UIDs of a sequence set such as {@code 2,4:6}. */
    static List<Long> uids(String set) {
        List<Long> out = new ArrayList<>();
        for (String part : set.split(",")) {
            String[] range = part.split(":");
            long a = Long.parseLong(range[0]);
            long b = Long.parseLong(range[range.length - 1]);
            for (long u = Math.min(a, b); u <= Math.max(a, b); u++) {
                out.add(u);
            }
        }
        return out;
    }

    static long find(Pattern p, List<String> lines) {
        for (String l : lines) {
            Matcher m = p.matcher(l);
            if (m.find()) {
                return Long.parseLong(m.group(1));
            }
        }
        throw new AssertionError(p + " not in " + lines);
    }

    @Test
    void qresyncOnOneReplicaAfterChangesThroughTheOtherGivesExactlyTheServersState() throws Exception {
        Account acc = replicas.newAccount();
        try (ImapClient b = replicas.loginB(acc)) {
            for (int i = 0; i < 8; i++) {
                append(b, MESSAGE); // UIDs 1-8
            }
            b.ok("SELECT INBOX");
            b.ok("STORE 2 +FLAGS (\\Seen)");
            b.ok("STORE 3 +FLAGS ($Old)");
            b.ok("LOGOUT");
        }

        long uidvalidity;
        long modseq;
        Map<Long, Cached> cache;
        try (ImapClient a = replicas.loginA(acc)) {
            assertEquals("* ENABLED QRESYNC", a.command("ENABLE QRESYNC").get(0));
            List<String> select = a.command("SELECT INBOX");
            uidvalidity = find(UIDVALIDITY, select);
            modseq = find(HIGHEST, select);
            cache = fullList(a);
            assertEquals(8, cache.size(), cache.toString());
            a.ok("LOGOUT");
        }

        // While the client is away, through the other replica: flags set and cleared, a keyword, expunges of old
        // and of new messages, appends.
        try (ImapClient b = replicas.loginB(acc)) {
            b.ok("SELECT INBOX");
            b.ok("UID STORE 1 +FLAGS (\\Answered)");
            b.ok("UID STORE 3 -FLAGS ($Old)");
            b.ok("UID STORE 4 +FLAGS ($New \\Flagged)");
            b.ok("UID STORE 2,5 +FLAGS.SILENT (\\Deleted)");
            b.ok("EXPUNGE");
            for (int i = 0; i < 3; i++) {
                append(b, MESSAGE); // UIDs 9-11
            }
            b.ok("UID STORE 9 +FLAGS (\\Seen)");
            b.ok("UID STORE 10 +FLAGS.SILENT (\\Deleted)");
            b.ok("UID EXPUNGE 10");
            b.ok("UID STORE 8 +FLAGS (\\Draft)");
            b.ok("LOGOUT");
        }

        List<String> resync;
        Map<Long, Cached> afterResync;
        try (ImapClient a = replicas.loginA(acc)) {
            a.ok("ENABLE QRESYNC");
            resync = a.command("SELECT INBOX (QRESYNC (" + uidvalidity + " " + modseq + "))");
            assertTrue(resync.get(resync.size() - 1).matches("t\\d+ OK .*"), resync.toString());
            for (String l : resync) {
                if (l.startsWith("* VANISHED (EARLIER) ")) {
                    uids(l.substring("* VANISHED (EARLIER) ".length())).forEach(cache::remove);
                }
            }
            applyFetches(resync, cache);
            assertEquals(cache.size(), find(EXISTS, resync), "EXISTS against the resynchronised list: " + resync);
            afterResync = fullList(a);
        }

        Map<Long, Cached> server;
        try (ImapClient b = replicas.loginB(acc)) {
            b.ok("EXAMINE INBOX");
            server = fullList(b);
        }
        assertEquals(List.of(1L, 3L, 4L, 6L, 7L, 8L, 9L, 11L), List.copyOf(server.keySet()), server.toString());
        assertEquals(server, cache, "the QRESYNC result on A against the server's list through B; resync: " + resync);
        assertEquals(server, afterResync, "A's own full list after the resync");
    }
}
