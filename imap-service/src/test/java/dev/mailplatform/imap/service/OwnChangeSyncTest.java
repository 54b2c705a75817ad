package dev.mailplatform.imap.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailplatform.store.v1.Account;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A session's own STORE, EXPUNGE and MOVE are applied to its view from the store's reply: no GetChanges follows
 * them when the store says nothing else changed the mailbox before them. When something did, the session still
 * shows that change at its next command.
 */
@QuarkusTest
class OwnChangeSyncTest extends ImapTestBase {

    private static final String MESSAGE = crlf("Subject: own\n\nmine\n");

    /** GetChanges calls this front end made so far for the account's mailboxes. */
    private static int getChanges(Account a) {
        return StoreCallCounter.of(a.getId(), "GetChanges");
    }

    /** Reads lines until one matches, failing if none arrives within {@code ms}. */
    private static String await(ImapClient c, String regex, int ms) throws Exception {
        long deadline = System.currentTimeMillis() + ms;
        StringBuilder seen = new StringBuilder();
        while (System.currentTimeMillis() < deadline) {
            String line = c.poll((int) Math.max(1, deadline - System.currentTimeMillis()));
            if (line == null) {
                break;
            }
            if (line.matches(regex)) {
                return line;
            }
            seen.append(line).append(" | ");
        }
        throw new AssertionError("no line matching " + regex + " within " + ms + " ms; saw: " + seen);
    }

    @Test
    void noGetChangesFollowsTheSessionsOwnStoreExpungeAndMove() throws Exception {
        Account a = newAccount();
        try (ImapClient c = login(a); ImapClient watcher = login(a); ImapClient other = login(a)) {
            for (int i = 0; i < 4; i++) {
                append(c, "INBOX", MESSAGE);
            }
            c.ok("SELECT INBOX");
            // SELECT reads its snapshot in batches and leaves the view stale for the first command that may show
            // changes; NOOP is one (and always asks the store).
            c.ok("NOOP");
            // The watcher idles in another mailbox: INBOX's events cost it nothing. Its listener on the account's
            // Watch stream was registered after c's, so c gets each event first; once the watcher shows the
            // Archive append (after its one GetChanges), c has had every INBOX event sent before it.
            watcher.ok("SELECT Archive");
            watcher.ok("NOOP");
            String idle = watcher.nextTag();
            watcher.write(idle + " IDLE\r\n");
            assertTrue(watcher.readLine().startsWith("+ "));
            int before = getChanges(a);

            List<String> store = c.command("STORE 1 +FLAGS (\\Deleted)");
            assertEquals("* 1 FETCH (FLAGS (\\Deleted \\Recent))", store.get(0));
            assertTrue(last(store).endsWith("OK STORE completed"), store.toString());
            List<String> expunge = c.command("EXPUNGE");
            assertEquals(List.of("* 1 EXPUNGE"), expunge.subList(0, expunge.size() - 1));
            List<String> move = c.command("MOVE 1 Trash");
            assertTrue(move.contains("* 1 EXPUNGE"), move.toString());
            assertTrue(last(move).endsWith("OK MOVE completed"), move.toString());

            append(other, "Archive", MESSAGE);
            await(watcher, "\\* 1 EXISTS", 10_000);
            watcher.write("DONE\r\n");
            assertEquals(idle + " OK IDLE terminated", last(watcher.readUntil(idle)));

            // A command that shows pending changes, if any: there are none, and the store is not asked.
            List<String> capability = c.command("CAPABILITY");
            assertEquals(2, capability.size(), capability.toString());
            assertEquals(1, getChanges(a) - before, "only the watcher's GetChanges; the session's own changes "
                    + "needed none");

            // The view is the store's: UIDs 3 and 4 left, in that order.
            List<String> fetch = c.command("FETCH 1:* (UID FLAGS)");
            assertEquals(List.of("* 1 FETCH (UID 3 FLAGS (\\Recent))", "* 2 FETCH (UID 4 FLAGS (\\Recent))"),
                    fetch.subList(0, fetch.size() - 1));
            // NOOP always asks the store (a missed event must not hide a change forever), and finds nothing new.
            int beforeNoop = getChanges(a);
            List<String> noop = c.command("NOOP");
            assertEquals(1, noop.size(), noop.toString());
            assertEquals(1, getChanges(a) - beforeNoop);
        }
    }

    @Test
    void anotherSessionsChangeBeforeOurOwnIsShownAtTheNextCommand() throws Exception {
        Account a = newAccount();
        try (ImapClient c = login(a); ImapClient b = login(a)) {
            for (int i = 0; i < 4; i++) {
                append(c, "INBOX", MESSAGE);
            }
            c.ok("SELECT INBOX");
            b.ok("SELECT INBOX");
            c.ok("NOOP"); // SELECT's own sync, done: c's view is the store's
            // b changes the mailbox between c's view and c's STORE: c's STORE finds a modseq it does not know.
            b.ok("STORE 4 +FLAGS (\\Flagged)");
            List<String> store = c.command("STORE 1 +FLAGS (\\Seen)");
            assertEquals("* 1 FETCH (FLAGS (\\Seen \\Recent))", store.get(0));
            assertFalse(store.stream().anyMatch(l -> l.startsWith("* 4 FETCH")),
                    "no change of another session during STORE's own reply: " + store);
            List<String> next = c.command("CAPABILITY");
            assertTrue(next.contains("* 4 FETCH (UID 4 FLAGS (\\Flagged \\Recent))"), next.toString());

            b.ok("STORE 2 +FLAGS.SILENT (\\Deleted)");
            b.ok("EXPUNGE");
            store = c.command("STORE 3 +FLAGS (\\Answered)");
            assertEquals("* 3 FETCH (FLAGS (\\Answered \\Recent))", store.get(0));
            next = c.command("CAPABILITY");
            assertTrue(next.contains("* 2 EXPUNGE"), next.toString());

            append(b, "INBOX", MESSAGE);
            List<String> expunge = c.command("EXPUNGE");
            assertTrue(expunge.contains("* 4 EXISTS"), expunge.toString());
            // UID 5 is \Recent for b, whose APPEND into its selected mailbox claimed it first.
            assertEquals(List.of("* 1 FETCH (UID 1 FLAGS (\\Seen \\Recent))",
                    "* 2 FETCH (UID 3 FLAGS (\\Answered \\Recent))", "* 3 FETCH (UID 4 FLAGS (\\Flagged \\Recent))",
                    "* 4 FETCH (UID 5 FLAGS ())"),
                    c.command("FETCH 1:* (UID FLAGS)").subList(0, 4));
        }
    }

    /**
     * Under QRESYNC, EXPUNGE reports HIGHESTMODSEQ: another session's flag change made just before it must still
     * reach the client, before that tagged reply (RFC 7162 §3.2.10), and not be skipped by a view that jumped ahead.
     */
    @Test
    void underQresyncAnotherSessionsChangeBeforeOurExpungeIsNotSkipped() throws Exception {
        Account a = newAccount();
        try (ImapClient c = login(a); ImapClient b = login(a)) {
            for (int i = 0; i < 3; i++) {
                append(c, "INBOX", MESSAGE);
            }
            c.ok("ENABLE QRESYNC");
            c.ok("SELECT INBOX");
            b.ok("SELECT INBOX");
            c.ok("STORE 1 +FLAGS.SILENT (\\Deleted)");
            b.ok("STORE 2 +FLAGS (\\Flagged)");
            List<String> expunge = c.command("EXPUNGE");
            assertEquals("* VANISHED 1", expunge.get(0), expunge.toString());
            assertTrue(expunge.stream().anyMatch(l -> l.matches(
                    "\\* 1 FETCH \\(UID 2 FLAGS \\(\\\\Flagged \\\\Recent\\) MODSEQ \\(\\d+\\)\\)")),
                    expunge.toString());
            assertTrue(last(expunge).matches("t\\d+ OK \\[HIGHESTMODSEQ \\d+\\] EXPUNGE completed"),
                    expunge.toString());
            List<String> fetch = c.command("FETCH 1:* (FLAGS)");
            assertTrue(fetch.get(0).matches("\\* 1 FETCH \\(.*FLAGS \\(\\\\Flagged \\\\Recent\\).*"),
                    fetch.toString());
        }
    }

    /**
     * One session of the benchmark harness's IMAP workload (benchmark/ImapWorkload), its gRPC calls counted: the
     * store is asked for changes after APPEND into the selected mailbox (the new message's \Recent is claimed by
     * GetChanges) only: not after SELECT (the store reads a one-batch snapshot as one state, and the account's Watch
     * stream is open), nor after the session's own STOREs and EXPUNGE.
     */
    @Test
    void aBenchmarkSessionAsksForChangesAfterAppendOnly() throws Exception {
        Account a = newAccount();
        try (ImapClient seed = login(a)) {
            for (int i = 0; i < 12; i++) {
                append(seed, "INBOX", i % 2 == 0 ? crlf("Subject: seed " + i + "\n\nseed\n") : MESSAGE);
            }
            seed.ok("LOGOUT");
        }
        int changesBefore = getChanges(a);
        try (ImapClient c = connect()) {
            c.ok("LOGIN " + a.getAddress() + " " + PASSWORD);
            c.ok("SELECT INBOX");
            c.ok("FETCH 1:* (UID FLAGS)");
            c.ok("FETCH 3:12 (UID ENVELOPE)");
            c.ok("FETCH 5 (BODY.PEEK[])");
            c.ok("SEARCH SUBJECT \"multipart\"");
            c.ok("UID STORE 4 +FLAGS.SILENT (\\Flagged)");
            append(c, "INBOX", MESSAGE);
            c.ok("UID STORE 7 +FLAGS.SILENT (\\Deleted)");
            List<String> expunge = c.command("EXPUNGE");
            assertEquals("* 7 EXPUNGE", expunge.get(0));
            String idle = c.nextTag();
            c.write(idle + " IDLE\r\n");
            assertTrue(c.readLine().startsWith("+ "));
            c.write("DONE\r\n");
            assertEquals(idle + " OK IDLE terminated", c.readLine());
            c.ok("LIST \"\" \"*\"");
            assertTrue(c.command("STATUS INBOX (MESSAGES UNSEEN)").get(0).contains("MESSAGES 12"));
            c.command("LOGOUT");
        }
        // Every call a command makes completes before its tagged reply.
        // The seeding session's Watch stream lingers, so this one's is confirmed open before its SELECT; the store
        // reads the 12 messages as one state: no GetChanges after SELECT, one after APPEND.
        assertEquals(1, getChanges(a) - changesBefore);
    }
}
