package dev.mailplatform.imap.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailplatform.store.v1.Account;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** QRESYNC (RFC 7162 §3.2) over a real socket: a reconnecting client learns exactly what changed while it was away. */
@QuarkusTest
class ImapQresyncTest extends ImapTestBase {

    private static final String MESSAGE = crlf("Subject: qresync\n\nbody\n");
    private static final Pattern HIGHEST = Pattern.compile("\\[HIGHESTMODSEQ (\\d+)]");
    private static final Pattern UIDVALIDITY = Pattern.compile("\\[UIDVALIDITY (\\d+)]");

    private static void append(ImapClient c, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            append(c, "INBOX", MESSAGE);
        }
    }

    private static long find(Pattern p, List<String> lines) {
        for (String l : lines) {
            Matcher m = p.matcher(l);
            if (m.find()) {
                return Long.parseLong(m.group(1));
            }
        }
        throw new AssertionError(p + " not in " + lines);
    }

    @Test
    void enabledAdvertisedAndRequiredBeforeUse() throws Exception {
        Account a = newAccount();
        try (ImapClient c = login(a)) {
            assertTrue(c.command("CAPABILITY").get(0).contains(" QRESYNC"));
            assertTrue(last(c.command("SELECT INBOX (QRESYNC (1 1))")).matches("t\\d+ BAD .*"), "not enabled");
            assertEquals("* ENABLED QRESYNC", c.command("ENABLE QRESYNC").get(0));
            List<String> select = c.command("SELECT INBOX (QRESYNC (1 1))");
            assertTrue(last(select).matches("t\\d+ OK .*"), select.toString());
            List<String> again = c.command("EXAMINE INBOX");
            assertEquals("* OK [CLOSED] Previous mailbox closed", again.get(0), again.toString());
            assertTrue(last(c.command("UID FETCH 1:* FLAGS (VANISHED)")).matches("t\\d+ BAD .*"),
                    "VANISHED needs CHANGEDSINCE");
        }
    }

    /**
     * The client caches the mailbox, goes away; another client expunges, flags and appends; the client comes back
     * with SELECT (QRESYNC ...) and ends with exactly the server's UID/FLAGS/MODSEQ list.
     */
    @Test
    void reconnectingResynchronisesExactly() throws Exception {
        Account a = newAccount();
        long uidvalidity;
        long modseq;
        try (ImapClient c = login(a)) {
            append(c, 6);
            c.ok("ENABLE QRESYNC");
            List<String> select = c.command("SELECT INBOX");
            uidvalidity = find(UIDVALIDITY, select);
            modseq = find(HIGHEST, select);
        }
        try (ImapClient other = login(a)) {
            other.ok("SELECT INBOX");
            other.ok("STORE 2,4 +FLAGS (\\Deleted)");
            other.ok("EXPUNGE"); // UIDs 2 and 4 go
            other.ok("UID STORE 5 +FLAGS ($Later)");
            append(other, 1); // UID 7
        }
        try (ImapClient c = login(a)) {
            c.ok("ENABLE QRESYNC");
            List<String> select = c.command("SELECT INBOX (QRESYNC (" + uidvalidity + " " + modseq + " 1:6))");
            assertTrue(select.contains("* VANISHED (EARLIER) 2,4"), select.toString());
            assertTrue(select.stream().anyMatch(l -> l.matches("\\* 3 FETCH \\(UID 5 FLAGS \\(\\$Later\\) MODSEQ \\(\\d+\\)\\)")),
                    select.toString());
            assertTrue(select.stream().noneMatch(l -> l.matches("\\* \\d+ FETCH \\(UID (1|3|6) .*")),
                    "unchanged messages are not sent: " + select);
            assertTrue(select.contains("* 5 EXISTS"), select.toString());
            int flags = select.indexOf(select.stream().filter(l -> l.startsWith("* FLAGS")).findFirst().orElseThrow());
            assertTrue(select.get(flags).contains("$Later"), "keywords in FLAGS: " + select);

            // Known UIDs limit VANISHED (EARLIER); another UIDVALIDITY makes the parameter void.
            c.ok("UNSELECT");
            List<String> limited = c.command("EXAMINE INBOX (QRESYNC (" + uidvalidity + " " + modseq + " 5:6))");
            assertTrue(limited.stream().noneMatch(l -> l.startsWith("* VANISHED")), "2 and 4 not known: " + limited);
            List<String> other = c.command("EXAMINE INBOX (QRESYNC (" + (uidvalidity + 1) + " " + modseq + "))");
            assertTrue(other.stream().noneMatch(l -> l.startsWith("* VANISHED") || l.contains(" FETCH ")),
                    other.toString());

            // UID FETCH (CHANGEDSINCE n VANISHED): the same, for a set.
            c.ok("SELECT INBOX");
            List<String> fetched = c.command("UID FETCH 1:7 (FLAGS) (CHANGEDSINCE " + modseq + " VANISHED)");
            assertEquals("* VANISHED (EARLIER) 2,4", fetched.get(0), fetched.toString());
            assertTrue(fetched.stream().anyMatch(l -> l.matches("\\* 3 FETCH \\(UID 5 MODSEQ \\(\\d+\\) FLAGS "
                    + "\\(\\$Later\\)\\)")), fetched.toString());
            assertTrue(fetched.stream().anyMatch(l -> l.startsWith("* 5 FETCH (UID 7 ")), "appended: " + fetched);
            assertEquals(4, fetched.size(), fetched.toString());
        }
    }

    /** Once QRESYNC is on, expunges are VANISHED, live, for this session's own EXPUNGE and for others'. */
    @Test
    void expungesAreVanishedOnceEnabled() throws Exception {
        Account a = newAccount();
        try (ImapClient c = login(a); ImapClient other = login(a)) {
            append(c, 4);
            c.ok("ENABLE QRESYNC");
            c.ok("SELECT INBOX");
            other.ok("SELECT INBOX");
            List<String> own = c.command("UID STORE 1,2 +FLAGS.SILENT (\\Deleted)");
            assertTrue(own.get(0).matches("\\* 1 FETCH \\(UID 1 MODSEQ \\(\\d+\\)\\)"), own.toString());
            List<String> expunged = c.command("EXPUNGE");
            assertEquals("* VANISHED 1:2", expunged.get(0), expunged.toString());
            assertTrue(last(expunged).matches("t\\d+ OK \\[HIGHESTMODSEQ \\d+] EXPUNGE completed"),
                    expunged.toString());
            assertFalse(expunged.stream().anyMatch(l -> l.endsWith(" EXPUNGE")), expunged.toString());

            List<String> plain = other.command("NOOP");
            assertTrue(plain.contains("* 1 EXPUNGE") && plain.stream().noneMatch(l -> l.contains("VANISHED")),
                    "not enabled there: " + plain);
            other.ok("UID STORE 4 +FLAGS (\\Deleted)");
            other.ok("UID EXPUNGE 4");
            List<String> told = c.command("NOOP");
            assertTrue(told.contains("* VANISHED 4"), told.toString());
            assertEquals(List.of("* 1 FETCH (UID 3)"), c.command("FETCH 1:* (UID)").subList(0, 1));
        }
    }
}
