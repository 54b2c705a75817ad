package dev.mailplatform.imap.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailplatform.store.v1.Account;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** CONDSTORE (RFC 7162 §3.1) over a real socket, each response in the form the RFC's examples give. */
@QuarkusTest
class ImapCondstoreTest extends ImapTestBase {

    private static final String MESSAGE = crlf("Subject: condstore\n\nbody\n");
    private static final Pattern MODSEQ = Pattern.compile("MODSEQ \\((\\d+)\\)");
    private static final Pattern HIGHEST = Pattern.compile("\\[HIGHESTMODSEQ (\\d+)]");

    private static void append(ImapClient c, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            append(c, "INBOX", MESSAGE);
        }
    }

    /** The FETCH responses of a reply (the first enabling command also brings an OK [HIGHESTMODSEQ]). */
    private static List<String> fetches(List<String> lines) {
        return lines.stream().filter(l -> l.matches("(?s)\\* \\d+ FETCH .*")).toList();
    }

    private static long modseq(String line) {
        Matcher m = MODSEQ.matcher(line);
        assertTrue(m.find(), line);
        return Long.parseLong(m.group(1));
    }

    private static long highest(List<String> lines) {
        for (String l : lines) {
            Matcher m = HIGHEST.matcher(l);
            if (m.find()) {
                return Long.parseLong(m.group(1));
            }
        }
        throw new AssertionError("no HIGHESTMODSEQ in " + lines);
    }

    @Test
    void advertisedEnabledAndReportedBySelectAndStatus() throws Exception {
        Account a = newAccount();
        try (ImapClient c = login(a)) {
            assertTrue(c.command("CAPABILITY").get(0).contains(" CONDSTORE"));
            append(c, 2);
            List<String> status = c.command("STATUS INBOX (MESSAGES HIGHESTMODSEQ)");
            long statusHighest = Long.parseLong(status.get(0).replaceAll(".*HIGHESTMODSEQ (\\d+)\\)$", "$1"));
            List<String> select = c.command("SELECT INBOX");
            assertEquals(statusHighest, highest(select), "SELECT and STATUS agree: " + select + status);
            assertTrue(statusHighest > 1, "each APPEND gives a new mod-sequence: " + status);
            // STATUS HIGHESTMODSEQ enabled CONDSTORE already; ENABLE still confirms it. Unknown names are ignored
            // (RFC 5161 §3).
            assertEquals(List.of("* ENABLED CONDSTORE"), c.command("ENABLE CONDSTORE X-UNKNOWN").subList(0, 1));
            assertEquals(List.of("* ENABLED"), c.command("ENABLE X-UNKNOWN").subList(0, 1));
        }
        try (ImapClient c = login(a)) {
            List<String> select = c.command("EXAMINE INBOX (CONDSTORE)");
            assertTrue(last(select).matches("t\\d+ OK \\[READ-ONLY] .*"), select.toString());
            highest(select);
            assertTrue(last(c.command("SELECT INBOX (QRESYNC (1 1))")).matches("t\\d+ BAD .*"),
                    "QRESYNC was not enabled: BAD (RFC 7162 §3.2.5)");
            assertTrue(last(c.command("SELECT INBOX (FOO)")).matches("t\\d+ BAD .*"));
        }
    }

    /** RFC 7162 §3.1: the first enabling command while a mailbox is selected reports its HIGHESTMODSEQ. */
    @Test
    void enablingWhileSelectedReportsTheHighestModseq() throws Exception {
        Account a = newAccount();
        try (ImapClient c = login(a)) {
            append(c, 2);
            long selected = highest(c.command("SELECT INBOX"));
            List<String> fetch = c.command("FETCH 1 (MODSEQ)");
            assertEquals(selected, highest(fetch), fetch.toString());
            List<String> again = c.command("FETCH 1 (MODSEQ)");
            assertTrue(again.stream().noneMatch(l -> l.contains("HIGHESTMODSEQ")), "once: " + again);
        }
        try (ImapClient c = login(a)) {
            long selected = highest(c.command("SELECT INBOX"));
            List<String> enable = c.command("ENABLE CONDSTORE");
            assertEquals(selected, highest(enable), enable.toString());
        }
    }

    @Test
    void fetchModseqAndChangedSince() throws Exception {
        Account a = newAccount();
        try (ImapClient c = login(a)) {
            append(c, 3);
            c.ok("SELECT INBOX");
            List<String> all = fetches(c.command("FETCH 1:* (UID MODSEQ)"));
            assertEquals(3, all.size(), all.toString());
            long m2 = modseq(all.get(1));
            assertTrue(modseq(all.get(0)) < m2 && m2 < modseq(all.get(2)), all.toString());
            long before = modseq(all.get(2));

            List<String> stored = c.command("STORE 2 +FLAGS (\\Flagged)");
            long after = modseq(stored.get(0)); // FETCH MODSEQ enabled CONDSTORE: STORE's FETCH carries it now
            assertTrue(stored.get(0).matches("\\* 2 FETCH \\(FLAGS \\(\\\\Flagged \\\\Recent\\) UID \\d+ MODSEQ "
                    + "\\(\\d+\\)\\)"),
                    stored.toString());
            assertTrue(after > before, stored.toString());

            List<String> changed = c.command("FETCH 1:* (FLAGS) (CHANGEDSINCE " + before + ")");
            assertEquals(2, changed.size(), "only the message changed since: " + changed);
            assertEquals("* 2 FETCH (MODSEQ (" + after + ") FLAGS (\\Flagged \\Recent))", changed.get(0),
                    "CHANGEDSINCE implies MODSEQ");
            assertEquals(1, c.command("UID FETCH 1:* (FLAGS) (CHANGEDSINCE " + after + ")").size(),
                    "nothing changed since the newest mod-sequence");
            assertEquals(1, c.command("FETCH 1:* (FLAGS) (CHANGEDSINCE 9223372036854775807)").size());
            assertTrue(last(c.command("FETCH 1:* (FLAGS) (CHANGEDSINCE 0)")).matches("t\\d+ BAD .*"),
                    "mod-sequence-value is at least 1 (RFC 7162 §7)");
            assertTrue(last(c.command("FETCH 1 (FLAGS) (CHANGEDSINCE 9223372036854775808)"))
                    .matches("t\\d+ BAD .*"), "above 2^63-1");
            assertTrue(last(c.command("UID FETCH 1:* (FLAGS) (CHANGEDSINCE 1 VANISHED)")).matches("t\\d+ BAD .*"),
                    "VANISHED needs ENABLE QRESYNC");
        }
    }

    @Test
    void conditionalStoreFailsForMessagesChangedMeanwhile() throws Exception {
        Account a = newAccount();
        try (ImapClient c = login(a); ImapClient other = login(a)) {
            append(c, 3);
            c.ok("SELECT INBOX");
            other.ok("SELECT INBOX");
            List<String> fetched = fetches(c.command("FETCH 1:3 (MODSEQ)"));
            long seen = modseq(fetched.get(2));
            List<String> uids = c.command("FETCH 1:3 (UID)");
            String uid1 = uids.get(0).replaceAll("\\D*1 FETCH \\(UID (\\d+)\\)", "$1");

            other.ok("STORE 1 +FLAGS ($Other)");
            List<String> conditional = c.command("STORE 1:3 (UNCHANGEDSINCE " + seen + ") +FLAGS (\\Seen)");
            assertEquals("OK [MODIFIED 1] Conditional STORE failed for some messages",
                    last(conditional).replaceFirst("^t\\d+ ", ""), conditional.toString());
            assertTrue(conditional.stream().noneMatch(l -> l.startsWith("* 1 FETCH (FLAGS")),
                    "the failed message is not changed: " + conditional);
            assertTrue(conditional.stream().anyMatch(l -> l.matches("\\* 2 FETCH \\(FLAGS \\(\\\\Seen \\\\Recent\\) UID \\d+ "
                    + "MODSEQ \\(\\d+\\)\\)")), conditional.toString());
            List<String> flags = c.command("FETCH 1 (FLAGS)");
            assertTrue(flags.stream().anyMatch(l -> l.startsWith("* 1 FETCH") && !l.contains("\\Seen")),
                    flags.toString());

            List<String> zero = c.command("UID STORE 1:* (UNCHANGEDSINCE 0) +FLAGS (\\Draft)");
            assertTrue(last(zero).contains("OK [MODIFIED " + uid1 + ":"), "0 fails every message: " + zero);
            assertTrue(zero.stream().noneMatch(l -> l.contains("\\Draft")), "nothing stored: " + zero);

            List<String> silent = c.command("STORE 3 (UNCHANGEDSINCE 9223372036854775807) +FLAGS.SILENT (\\Answered)");
            assertTrue(silent.get(0).matches("\\* 3 FETCH \\(UID \\d+ MODSEQ \\(\\d+\\)\\)"),
                    ".SILENT still tells the new mod-sequence: " + silent);
            assertTrue(last(silent).matches("t\\d+ OK STORE completed"), silent.toString());
        }
    }

    @Test
    void unsolicitedFlagChangesCarryModseqOnceEnabledOnly() throws Exception {
        Account a = newAccount();
        try (ImapClient c = login(a); ImapClient plain = login(a); ImapClient writer = login(a)) {
            append(c, 1);
            c.ok("SELECT INBOX (CONDSTORE)");
            plain.ok("SELECT INBOX");
            writer.ok("SELECT INBOX");
            writer.ok("STORE 1 +FLAGS (\\Flagged)");
            List<String> seen = c.command("NOOP");
            assertTrue(seen.get(0).matches("\\* 1 FETCH \\(UID \\d+ FLAGS \\(\\\\Flagged \\\\Recent\\) MODSEQ \\(\\d+\\)\\)"),
                    seen.toString());
            List<String> without = plain.command("NOOP");
            assertTrue(without.get(0).matches("\\* 1 FETCH \\(UID \\d+ FLAGS \\(\\\\Flagged\\)\\)"),
                    "not enabled there: " + without);
            // A FETCH that sets \Seen shows UID and MODSEQ with the new flags once CONDSTORE is on.
            List<String> body = c.command("FETCH 1 (BODY[TEXT])");
            assertTrue(body.get(0).matches("(?s)\\* 1 FETCH \\(UID \\d+ MODSEQ \\(\\d+\\) BODY\\[TEXT].* FLAGS "
                    + "\\(\\\\Seen \\\\Flagged \\\\Recent\\)\\)"), body.toString());
        }
    }

    @Test
    void searchModseqReportsTheHighestFound() throws Exception {
        Account a = newAccount();
        try (ImapClient c = login(a)) {
            append(c, 3);
            c.ok("SELECT INBOX");
            long base = modseq(fetches(c.command("FETCH 3 (MODSEQ)")).get(0));
            List<String> stored = c.command("STORE 2 +FLAGS (\\Draft)");
            long changed = modseq(stored.get(0));
            assertEquals("* SEARCH 2 (MODSEQ " + changed + ")", c.command("SEARCH MODSEQ " + (base + 1)).get(0));
            assertEquals("* SEARCH 2 (MODSEQ " + changed + ")",
                    c.command("SEARCH MODSEQ \"/flags/\\\\draft\" all " + (base + 1)).get(0),
                    "the entry name is accepted; mod-sequences are per message here");
            assertEquals("* SEARCH", c.command("SEARCH MODSEQ " + (changed + 1)).get(0), "none found, no MODSEQ");
            assertEquals("* SEARCH 1 2 3 (MODSEQ " + changed + ")", c.command("SEARCH MODSEQ 0").get(0));
            assertTrue(last(c.command("SEARCH MODSEQ \"/flags/x\" bogus 1")).matches("t\\d+ BAD .*"));
        }
    }
}
