package dev.mailplatform.imap.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailplatform.store.v1.Account;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The basic session over a real socket: greeting, states, bad input, mailboxes, APPEND, FETCH, STORE, SEARCH. */
@QuarkusTest
class ImapSessionTest extends ImapTestBase {

    static final String MULTIPART = crlf("""
            From: Alice <alice@example.test>
            To: Bob <bob@example.test>
            Subject: Holiday photos
            Date: Mon, 7 Feb 1994 21:52:25 -0800
            Message-ID: <m1@example.test>
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary="b1"

            --b1
            Content-Type: text/plain; charset=utf-8

            Hello Bob, photos attached.
            --b1
            Content-Type: application/octet-stream; name="photo.jpg"
            Content-Disposition: attachment; filename="photo.jpg"
            Content-Transfer-Encoding: base64

            AAECAwQFBgcICQ==
            --b1--
            """);

    @Test
    void greetingStatesAndBadInput() throws Exception {
        try (ImapClient c = connect()) {
            List<String> caps = c.command("CAPABILITY");
            assertTrue(caps.get(0).startsWith("* CAPABILITY IMAP4rev1"), caps.toString());
            assertTrue(caps.get(0).contains("AUTH=PLAIN"), "loopback may log in without TLS: " + caps);
            assertTrue(caps.get(0).contains("STARTTLS"), caps.toString());
            assertTrue(c.command("FOO BAR").get(0).startsWith("t2 BAD"), "unknown command");
            assertTrue(c.command("SELECT INBOX").get(0).startsWith("t3 BAD"), "SELECT before LOGIN");
            assertTrue(c.command("FETCH 1 FLAGS").get(0).startsWith("t4 BAD"));
            assertTrue(c.command("LOGIN nobody@example.test wrong").get(0).startsWith("t5 NO [AUTHENTICATIONFAILED]"));
            assertEquals("t6 OK NOOP completed", c.command("NOOP").get(0), "the session goes on");
        }
    }

    @Test
    void mailboxesLifecycleAndSpecialUse() throws Exception {
        Account a = newAccount();
        try (ImapClient c = login(a)) {
            List<String> list = c.command("LIST \"\" \"*\"");
            assertTrue(list.contains("* LIST (\\HasNoChildren) \"/\" INBOX"), list.toString());
            assertTrue(list.stream().anyMatch(l -> l.matches("\\* LIST \\(\\\\HasNoChildren \\\\Sent\\) \"/\" Sent")),
                    list.toString());
            c.ok("CREATE Projects/2026/Q4");
            List<String> top = c.command("LIST \"\" %");
            assertTrue(top.contains("* LIST (\\HasChildren) \"/\" Projects"), top.toString());
            assertTrue(c.command("CREATE Projects").get(0).contains("NO [ALREADYEXISTS]"));
            c.ok("RENAME Projects Work");
            List<String> work = c.command("LIST Work/ *");
            assertTrue(work.contains("* LIST (\\HasChildren) \"/\" Work/2026"), work.toString());
            c.ok("CREATE \"Entw&APw-rfe alt\"");
            assertTrue(c.command("LIST \"\" Entw*").contains("* LIST (\\HasNoChildren) \"/\" \"Entw&APw-rfe alt\""));
            assertTrue(c.command("CREATE &Jjo-&Jjo-").get(0).startsWith("t"),
                    "a bad UTF-7 name gets a reply and the session goes on");
            // Not the one encoding RFC 3501 allows, so no mailbox can have it: NO (an astring is no syntax error).
            assertTrue(c.command("CREATE &Jjo-&Jjo-").get(0).contains("NO [CANNOT]"));
            c.ok("SUBSCRIBE Work");
            assertTrue(c.command("LSUB \"\" *").contains("* LSUB (\\HasChildren) \"/\" Work"));
            c.ok("UNSUBSCRIBE Work");
            assertFalse(c.command("LSUB \"\" *").contains("* LSUB (\\HasChildren) \"/\" Work"));
            assertTrue(c.command("DELETE INBOX").get(0).contains("NO"));
            c.ok("DELETE Work/2026/Q4");
            List<String> status = c.command("STATUS INBOX (MESSAGES UIDNEXT UNSEEN RECENT)");
            assertEquals("* STATUS INBOX (MESSAGES 0 UIDNEXT 1 UNSEEN 0 RECENT 0)", status.get(0));
            assertTrue(c.command("SELECT Nope").get(0).contains("NO [NONEXISTENT]"));
        }
    }

    @Test
    void appendFetchStoreSearchCopyMoveExpunge() throws Exception {
        Account a = newAccount();
        byte[] msg = MULTIPART.getBytes(StandardCharsets.US_ASCII);
        try (ImapClient c = login(a)) {
            // A synchronising literal: wait for the continuation, then send the bytes.
            String tag = c.nextTag();
            c.write(tag + " APPEND INBOX (\\Flagged) {" + msg.length + "}\r\n");
            assertTrue(c.readLine().startsWith("+"));
            c.write(msg);
            c.write("\r\n");
            List<String> appended = c.readUntil(tag);
            assertTrue(appended.get(0).matches(tag + " OK \\[APPENDUID \\d+ 1\\] .*"), appended.toString());
            // LITERAL+: no continuation.
            String second = crlf("Subject: second\n\nplain body\n");
            c.ok("APPEND INBOX {" + second.length() + "+}\r\n" + second);

            List<String> select = c.command("SELECT INBOX");
            assertTrue(select.contains("* 2 EXISTS"), select.toString());
            assertTrue(select.stream().anyMatch(l -> l.startsWith("* OK [UIDVALIDITY ")), select.toString());
            assertTrue(select.contains("* OK [UIDNEXT 3] Predicted next UID"), select.toString());
            assertTrue(select.get(select.size() - 1).contains("OK [READ-WRITE]"));

            List<String> part = c.command("FETCH 1 (BODY.PEEK[1] FLAGS)");
            // The CRLF before a boundary belongs to the boundary (RFC 2046 §5.1.1).
            assertEquals("* 1 FETCH (BODY[1] {27}\r\nHello Bob, photos attached. FLAGS (\\Flagged \\Recent))",
                    part.get(0));
            List<String> structure = c.command("FETCH 1 BODYSTRUCTURE");
            assertTrue(structure.get(0).contains("(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"utf-8\") NIL NIL \"7BIT\" 27 1"),
                    structure.get(0));
            assertTrue(structure.get(0).contains("\"MIXED\" (\"BOUNDARY\" \"b1\")"), structure.get(0));
            List<String> envelope = c.command("UID FETCH 1 (ENVELOPE RFC822.SIZE)");
            assertTrue(envelope.get(0).startsWith("* 1 FETCH (UID 1 ENVELOPE (\"Mon, 7 Feb 1994 21:52:25 -0800\" "
                    + "\"Holiday photos\" ((\"Alice\" NIL \"alice\" \"example.test\"))"), envelope.get(0));
            assertTrue(envelope.get(0).endsWith("RFC822.SIZE " + msg.length + ")"), envelope.get(0));
            List<String> partial = c.command("FETCH 1 BODY.PEEK[HEADER.FIELDS (SUBJECT)]<0.9>");
            assertEquals("* 1 FETCH (BODY[HEADER.FIELDS (SUBJECT)]<0> {9}\r\nSubject: )", partial.get(0));

            // The first field list comes from the store's index, the second by a section read: both exact.
            List<String> fields = c.command("FETCH 1 (BODY.PEEK[HEADER.FIELDS (Subject)] "
                    + "BODY.PEEK[HEADER.FIELDS.NOT (Subject To Date Message-ID MIME-Version Content-Type)])");
            assertEquals("* 1 FETCH (BODY[HEADER.FIELDS (Subject)] {27}\r\nSubject: Holiday photos\r\n\r\n "
                    + "BODY[HEADER.FIELDS.NOT (Subject To Date Message-ID MIME-Version Content-Type)] {36}\r\n"
                    + "From: Alice <alice@example.test>\r\n\r\n)", fields.get(0));
            List<String> notFields = c.command("FETCH 1 BODY.PEEK[HEADER.FIELDS.NOT (Subject To Date Message-ID "
                    + "MIME-Version Content-Type)]<6.10>");
            assertEquals("* 1 FETCH (BODY[HEADER.FIELDS.NOT (Subject To Date Message-ID MIME-Version Content-Type)]"
                    + "<6> {10}\r\nAlice <ali)", notFields.get(0));

            // BODY[] without PEEK sets \Seen and says so.
            List<String> whole = c.command("FETCH 2 BODY[]");
            assertEquals("* 2 FETCH (BODY[] {" + second.length() + "}\r\n" + second + " FLAGS (\\Seen \\Recent))",
                    whole.get(0));

            List<String> store = c.command("STORE 1 +FLAGS (\\Deleted $Work)");
            // $Work is new: FLAGS and PERMANENTFLAGS announce it first (RFC 3501 §7.2.6).
            assertEquals("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Work)", store.get(0));
            assertEquals("* 1 FETCH (FLAGS (\\Flagged \\Deleted \\Recent $Work))", store.get(2));
            assertEquals(1, c.command("STORE 1 -FLAGS.SILENT (\\Deleted)").size(), ".SILENT sends no FETCH");

            assertEquals("* SEARCH 1", c.command("SEARCH SUBJECT holiday").get(0));
            assertEquals("* SEARCH 2", c.command("SEARCH SEEN").get(0));
            assertEquals("* SEARCH 1 2", c.command("SEARCH OR FLAGGED BODY \"plain body\"").get(0));
            assertEquals("* SEARCH 1", c.command("UID SEARCH KEYWORD $Work").get(0));
            assertEquals("* SEARCH", c.command("SEARCH CHARSET UTF-8 SUBJECT \"nothing like this\"").get(0));
            assertTrue(c.command("SEARCH CHARSET KOI8-R ALL").get(0).contains("NO [BADCHARSET"));

            List<String> copy = c.command("COPY 1:2 Archive");
            assertTrue(copy.get(0).matches("t\\d+ OK \\[COPYUID \\d+ 1:2 1:2\\] .*"), copy.toString());
            assertTrue(c.command("COPY 1 Nowhere").get(0).contains("NO [TRYCREATE]"));
            List<String> move = c.command("MOVE 1 Trash");
            assertTrue(move.get(0).matches("\\* OK \\[COPYUID \\d+ 1 1\\] .*"), move.toString());
            assertEquals("* 1 EXPUNGE", move.get(1));
            assertEquals("* SEARCH 1", c.command("SEARCH ALL").get(0), "one message left");
            c.ok("STORE 1 +FLAGS (\\Deleted)");
            List<String> expunge = c.command("UID EXPUNGE 2");
            assertEquals("* 1 EXPUNGE", expunge.get(0));
            assertTrue(c.command("FETCH 1 FLAGS").get(0).startsWith("t") , "sequence 1 no longer exists");
            List<String> status = c.command("STATUS Archive (MESSAGES)");
            assertEquals("* STATUS Archive (MESSAGES 2)", status.get(0));
            assertTrue(c.command("LOGOUT").get(0).startsWith("* BYE"));
        }
    }
}
