package dev.mailplatform.imap.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailplatform.store.v1.Account;
import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Found with python imaplib and a raw IDLE: another connection sets \Deleted on the only message and expunges it
 * right away. The store answers GetChanges with separate queries for changed and vanished messages, so a message
 * expunged between the two comes back in both; the session used to re-add it, and the idling client saw
 * "* 1 EXPUNGE", "* 1 EXISTS", then "* 1 EXPUNGE" again on the next sync. The race is timing-dependent (a few
 * percent of rounds here), hence the rounds.
 */
@QuarkusTest
class IdleExpungeRaceTest extends ImapTestBase {

    private static final String MESSAGE = crlf("Subject: race\n\nbody\n");

    @Test
    void anExpungedMessageIsNeverAnnouncedAgain() throws Exception {
        Account a = newAccount();
        try (ImapClient idler = login(a); ImapClient other = login(a)) {
            other.ok("SELECT INBOX");
            for (int round = 0; round < 40; round++) {
                other.ok("APPEND INBOX {" + MESSAGE.length() + "+}\r\n" + MESSAGE);
                other.ok("NOOP");
                List<String> select = idler.command("SELECT INBOX");
                assertTrue(select.contains("* 1 EXISTS"), select.toString());
                String tag = idler.nextTag();
                idler.write(tag + " IDLE\r\n");
                assertTrue(idler.readLine().startsWith("+"));
                // Pipelined, so that the expunge lands while the idler is still pulling the flag change.
                String t1 = other.nextTag();
                String t2 = other.nextTag();
                other.write(t1 + " STORE 1 +FLAGS.SILENT (\\Deleted)\r\n" + t2 + " EXPUNGE\r\n");
                other.readUntil(t2);

                List<String> seen = new ArrayList<>();
                String line;
                while ((line = idler.poll(2000)) != null && !line.equals("* 1 EXPUNGE")) {
                    seen.add(line);
                }
                assertEquals("* 1 EXPUNGE", line, "round " + round + ": " + seen);
                while ((line = idler.poll(250)) != null) {
                    seen.add(line);
                }
                assertTrue(seen.stream().noneMatch(l -> l.contains("EXISTS") || l.contains("EXPUNGE")),
                        "round " + round + ": after the EXPUNGE came " + seen);
                idler.write("DONE\r\n");
                List<String> done = idler.readUntil(tag);
                assertTrue(done.get(done.size() - 1).startsWith(tag + " OK"), done.toString());
                assertEquals(1, done.size(), "round " + round + ": " + done);
            }
        }
    }
}
