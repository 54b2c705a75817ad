package dev.mailplatform.imap.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailplatform.store.v1.Account;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** IMAP4rev1 behaviour that conformance suites and real clients check, each as RFC 3501 (or Dovecot) has it. */
@QuarkusTest
class ImapConformanceTest extends ImapTestBase {

    private static final String MESSAGE = crlf("Subject: conformance\n\nbody\n");

    private static void append(ImapClient c, String mailbox) throws Exception {
        append(c, mailbox, MESSAGE);
    }

    private static int indexOfPrefix(List<String> lines, String prefix) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }

    /** RFC 3501 §7.2.6: a keyword is announced in FLAGS before any FETCH shows it, in every session. */
    @Test
    void aNewKeywordIsAnnouncedInFlagsBeforeAnyFetchShowsIt() throws Exception {
        Account a = newAccount();
        try (ImapClient c = login(a); ImapClient other = login(a)) {
            append(c, "INBOX");
            c.ok("SELECT INBOX");
            other.ok("SELECT INBOX");
            List<String> stored = c.command("STORE 1 +FLAGS ($Label1)");
            int flags = indexOfPrefix(stored, "* FLAGS (");
            int fetch = indexOfPrefix(stored, "* 1 FETCH (FLAGS (");
            assertTrue(flags >= 0 && flags < fetch, stored.toString());
            assertTrue(stored.get(flags).contains("$Label1"), stored.toString());
            assertTrue(stored.get(flags + 1).startsWith("* OK [PERMANENTFLAGS (") && stored.get(flags + 1)
                    .contains("$Label1 \\*)"), stored.toString());
            // Told once: a second STORE of the same keyword does not repeat FLAGS.
            assertEquals(-1, indexOfPrefix(c.command("STORE 1 +FLAGS ($Label1)"), "* FLAGS"));

            List<String> seen = other.command("NOOP");
            flags = indexOfPrefix(seen, "* FLAGS (");
            fetch = indexOfPrefix(seen, "* 1 FETCH (");
            assertTrue(flags >= 0 && flags < fetch && seen.get(flags).contains("$Label1"), seen.toString());

            // A COPY into the selected mailbox brings a keyword with a new message: FLAGS comes with its EXISTS.
            c.ok("CREATE Other");
            append(c, "Other");
            c.ok("SELECT Other");
            c.ok("STORE 1 +FLAGS ($Copied)");
            c.ok("COPY 1 INBOX");
            List<String> copied = other.command("NOOP");
            flags = indexOfPrefix(copied, "* FLAGS (");
            assertTrue(flags >= 0 && copied.get(flags).contains("$Copied"), copied.toString());
            assertTrue(flags < indexOfPrefix(copied, "* 2 EXISTS"), copied.toString());
            List<String> fetched = other.command("FETCH 2 FLAGS");
            assertEquals(-1, indexOfPrefix(fetched, "* FLAGS"), "already announced: " + fetched);
            assertTrue(fetched.get(0).contains("$Copied"), fetched.toString());
        }
    }

    /** A keyword a session first meets in FETCH (it came with a message already there) is announced there. */
    @Test
    void fetchAnnouncesAKeywordTheSessionHasNotShown() throws Exception {
        Account a = newAccount();
        try (ImapClient c = login(a)) {
            append(c, "INBOX");
            c.ok("EXAMINE INBOX");
            try (ImapClient writer = login(a)) {
                writer.ok("SELECT INBOX");
                writer.ok("STORE 1 +FLAGS.SILENT (Later)");
            }
            // EXAMINE has no keywords yet; this FETCH is the first the session shows of "Later" (no NOOP between, so
            // the change has not been synced before the FETCH either: whichever comes first announces it).
            List<String> fetched = c.command("FETCH 1 (FLAGS)");
            int flags = indexOfPrefix(fetched, "* FLAGS (");
            int fetch = indexOfPrefix(fetched, "* 1 FETCH");
            assertTrue(flags >= 0 && flags < fetch && fetched.get(flags).contains("Later"), fetched.toString());
            assertEquals("* OK [PERMANENTFLAGS ()] Read-only mailbox", fetched.get(flags + 1), fetched.toString());
        }
    }

    /**
     * RFC 3501 §2.3.2 \Recent: the first session to SELECT a mailbox after a message arrived (or to sync it in while
     * selected) is the one that sees it as recent; EXAMINE shows what no session claimed yet, without claiming.
     */
    @Test
    void recentBelongsToTheFirstSessionThatSelects() throws Exception {
        Account a = newAccount();
        try (ImapClient first = login(a); ImapClient examiner = login(a); ImapClient second = login(a)) {
            append(first, "INBOX");
            append(first, "INBOX");
            assertEquals("* STATUS INBOX (RECENT 2)", first.command("STATUS INBOX (RECENT)").get(0));
            List<String> examined = examiner.command("EXAMINE INBOX");
            assertTrue(examined.contains("* 2 RECENT"), examined.toString());
            assertTrue(examiner.command("FETCH 1 FLAGS").get(0).contains("FLAGS (\\Recent)"));

            List<String> selected = first.command("SELECT INBOX");
            assertTrue(selected.contains("* 2 EXISTS") && selected.contains("* 2 RECENT"), selected.toString());
            assertEquals("* 1 FETCH (FLAGS (\\Recent))", first.command("FETCH 1 FLAGS").get(0));
            assertEquals("* SEARCH 1 2", first.command("SEARCH RECENT").get(0));
            assertEquals("* SEARCH 1 2", first.command("SEARCH NEW").get(0));
            assertEquals("* SEARCH", first.command("SEARCH OLD").get(0));
            List<String> stored = first.command("STORE 2 +FLAGS (\\Seen)");
            assertEquals("* 2 FETCH (FLAGS (\\Seen \\Recent))", stored.get(0), "\\Recent stays with the flags");
            assertEquals("* SEARCH 1", first.command("SEARCH NEW").get(0));

            List<String> late = second.command("SELECT INBOX");
            assertTrue(late.contains("* 0 RECENT"), "claimed already: " + late);
            assertEquals("* SEARCH 1 2", second.command("SEARCH OLD").get(0));
            assertEquals("* 1 FETCH (FLAGS ())", second.command("FETCH 1 FLAGS").get(0));
            assertEquals("* STATUS INBOX (RECENT 0)", examiner.command("STATUS INBOX (RECENT)").get(0));

            // A new message goes to the first selected session that syncs it in; the other sees it as old.
            append(examiner, "INBOX");
            List<String> noop = first.command("NOOP");
            assertTrue(noop.contains("* 3 EXISTS") && noop.contains("* 3 RECENT"), noop.toString());
            List<String> other = second.command("NOOP");
            assertTrue(other.contains("* 3 EXISTS") && other.contains("* 0 RECENT"), other.toString());
            assertEquals("* SEARCH 1 2 3", first.command("SEARCH RECENT").get(0));
            assertEquals("* SEARCH", second.command("SEARCH RECENT").get(0));
        }
    }

    /** RFC 2971 allows 30 pairs with 1024-octet values: a 31 KB line, under the default line limit. */
    @Test
    void idAtTheRfcMaximaIsAccepted() throws Exception {
        try (ImapClient c = connect()) {
            StringBuilder id = new StringBuilder("ID (");
            for (int i = 0; i < 30; i++) {
                id.append(i == 0 ? "" : " ").append('"').append(String.format("field-%02d", i)).append("\" \"")
                        .append("v".repeat(1024)).append('"');
            }
            id.append(')');
            assertTrue(id.length() > 30_000);
            List<String> reply = c.command(id.toString());
            assertTrue(last(reply).matches("t\\d+ OK .*"), reply.toString());
            assertTrue(reply.get(0).startsWith("* ID ("), reply.toString());
        }
    }

    /** Over the line limit: BAD, the rest of the line skipped, and the session goes on with the next command. */
    @Test
    void aLineOverTheDefaultLimitIsBadAndTheSessionGoesOn() throws Exception {
        try (ImapClient c = connect()) {
            List<String> reply = c.command("NOOP " + "x".repeat(70_000));
            assertTrue(last(reply).startsWith("t1 BAD") && last(reply).contains("too long"), reply.toString());
            assertEquals("t2 OK NOOP completed", c.command("NOOP").get(0));
        }
    }

    /**
     * A name made of legal atom characters is an astring: syntactically fine. That it is not valid modified UTF-7
     * means no such mailbox can exist: NO, as Dovecot answers, and LIST finds nothing.
     */
    @Test
    void aNameThatIsNotModifiedUtf7IsNoNotBad() throws Exception {
        Account a = newAccount();
        String name = "!#$&'+,-.0123456789:;<=>?@^_`|[}";
        try (ImapClient c = login(a)) {
            append(c, "INBOX");
            for (String command : List.of("SELECT ", "EXAMINE ", "CREATE ", "DELETE ", "SUBSCRIBE ", "STATUS ")) {
                String args = command.equals("STATUS ") ? name + " (MESSAGES)" : name;
                List<String> reply = c.command(command + args);
                assertTrue(last(reply).matches("t\\d+ NO .*"), command + reply);
            }
            List<String> rename = c.command("RENAME INBOX " + name);
            assertTrue(last(rename).matches("t\\d+ NO .*"), rename.toString());
            List<String> append = c.command("APPEND " + name + " {" + MESSAGE.length() + "+}\r\n" + MESSAGE);
            assertTrue(last(append).matches("t\\d+ NO .*"), append.toString());
            List<String> list = c.command("LIST \"\" " + name + "%*");
            assertEquals(1, list.size(), list.toString());
            assertTrue(last(list).matches("t\\d+ OK .*"), list.toString());
            c.ok("SELECT INBOX");
            List<String> copy = c.command("COPY 1:* " + name);
            assertTrue(last(copy).matches("t\\d+ (NO|OK) .*"), copy.toString());
            assertTrue(last(c.command("NOOP")).matches("t\\d+ OK NOOP completed"), "the session goes on");
        }
    }

    /** ENVELOPE takes a bare address's comment as its name; SEARCH FROM finds an address with comments inside. */
    @Test
    void envelopeNamesFromCommentsAndSearchThroughComments() throws Exception {
        Account a = newAccount();
        String message = crlf("""
                From: user@example.test (Real Name)
                To: <user-from (comment)@ (comment) example.org>
                Subject: addresses

                body
                """);
        try (ImapClient c = login(a)) {
            c.ok("APPEND INBOX {" + message.length() + "+}\r\n" + message);
            c.ok("SELECT INBOX");
            String envelope = c.command("FETCH 1 ENVELOPE").get(0);
            assertTrue(envelope.contains("((\"Real Name\" NIL \"user\" \"example.test\"))"), envelope);
            assertTrue(envelope.contains("((NIL NIL \"user-from\" \"example.org\"))"), envelope);
            assertEquals("* SEARCH 1", c.command("SEARCH TO user-from@example.org").get(0));
            assertEquals("* SEARCH 1", c.command("SEARCH FROM \"Real Name\"").get(0));
        }
    }

    /** RFC 6851 §3.3: MOVE and COPY into the selected mailbox itself give the message a new UID. */
    @Test
    void moveAndCopyIntoTheSelectedMailboxItself() throws Exception {
        Account a = newAccount();
        try (ImapClient c = login(a)) {
            append(c, "INBOX");
            append(c, "INBOX");
            c.ok("SELECT INBOX");
            List<String> moved = c.command("UID MOVE 1 INBOX");
            assertTrue(last(moved).matches("t\\d+ OK .*"), moved.toString());
            assertTrue(String.join("\n", moved).contains("COPYUID "), moved.toString());
            assertTrue(moved.contains("* 1 EXPUNGE"), moved.toString());
            List<String> after = c.command("NOOP");
            List<String> uids = c.command("FETCH 1:* (UID)");
            assertEquals(List.of("* 1 FETCH (UID 2)", "* 2 FETCH (UID 3)"), uids.subList(0, 2),
                    "moved: " + moved + " then " + after + " then " + uids);
            List<String> copied = c.command("COPY 2 INBOX");
            assertTrue(last(copied).matches("t\\d+ OK \\[COPYUID \\d+ 3 4] .*"), copied.toString());
            assertEquals(3, c.command("FETCH 1:* (UID)").stream().filter(l -> l.contains(" FETCH ")).count());
        }
    }

    /** RFC 4731 ESEARCH: MIN, MAX, COUNT and ALL (as a compact set) in one ESEARCH response tagged for the command. */
    @Test
    void esearchAnswersWithMinMaxCountAndAll() throws Exception {
        Account a = newAccount();
        try (ImapClient c = login(a)) {
            assertTrue(c.command("CAPABILITY").get(0).contains(" ESEARCH"));
            for (int i = 0; i < 6; i++) {
                append(c, "INBOX");
            }
            c.ok("SELECT INBOX");
            c.ok("STORE 2:3,5 +FLAGS (\\Flagged)");
            List<String> all = c.command("SEARCH RETURN (MIN MAX COUNT ALL) FLAGGED");
            assertEquals("* ESEARCH (TAG \"" + last(all).split(" ")[0] + "\") MIN 2 MAX 5 COUNT 3 ALL 2:3,5",
                    all.get(0));
            List<String> uid = c.command("UID SEARCH RETURN () UNFLAGGED");
            assertTrue(uid.get(0).matches("\\* ESEARCH \\(TAG \"t\\d+\"\\) UID ALL 1,4,6"), uid.toString());
            List<String> none = c.command("SEARCH RETURN (MIN COUNT ALL) KEYWORD nothing");
            assertTrue(none.get(0).matches("\\* ESEARCH \\(TAG \"t\\d+\"\\) COUNT 0"), none.toString());
            List<String> modseq = c.command("SEARCH RETURN (COUNT) MODSEQ 1");
            // (MODSEQ enables CONDSTORE: its first use reports the mailbox's HIGHESTMODSEQ before the answer.)
            assertTrue(modseq.get(1).matches("\\* ESEARCH \\(TAG \"t\\d+\"\\) COUNT 6 MODSEQ \\d+"),
                    modseq.toString());
        }
    }

    /**
     * RFC 5182 SEARCHRES: RETURN (SAVE) keeps the result as {@code $} (no ESEARCH when SAVE stands alone), which
     * FETCH, STORE, COPY, SEARCH and their UID forms take; with MIN or MAX alone only those are kept; a failed
     * search empties it, and so does a new SELECT.
     */
    @Test
    void searchResSavesTheResultForDollar() throws Exception {
        Account a = newAccount();
        try (ImapClient c = login(a)) {
            assertTrue(c.command("CAPABILITY").get(0).contains(" SEARCHRES"));
            for (int i = 0; i < 6; i++) {
                append(c, "INBOX");
            }
            c.ok("SELECT INBOX");
            c.ok("STORE 2,4:5 +FLAGS (\\Flagged)");
            List<String> saved = c.command("SEARCH RETURN (SAVE) FLAGGED");
            assertEquals(1, saved.size(), "SAVE alone answers with no ESEARCH: " + saved);
            List<String> fetched = c.command("FETCH $ (UID)");
            assertEquals(List.of("* 2 FETCH (UID 2)", "* 4 FETCH (UID 4)", "* 5 FETCH (UID 5)"),
                    fetched.subList(0, fetched.size() - 1));
            c.ok("EXPUNGE"); // nothing deleted: nothing changes
            c.ok("UID STORE $ +FLAGS.SILENT (\\Seen)");
            List<String> unseen = c.command("SEARCH UNSEEN");
            assertEquals("* SEARCH 1 3 6", unseen.get(0));
            List<String> narrowed = c.command("UID SEARCH $ UID 4:*");
            assertEquals("* SEARCH 4 5", narrowed.get(0));

            // Expunging a saved message takes it out of $; the others keep their (new) sequence numbers.
            c.ok("STORE 4 +FLAGS.SILENT (\\Deleted)");
            c.ok("EXPUNGE");
            List<String> after = c.command("FETCH $ (UID)");
            assertEquals(List.of("* 2 FETCH (UID 2)", "* 4 FETCH (UID 5)"), after.subList(0, after.size() - 1));
            c.ok("CREATE Saved");
            List<String> copied = c.command("COPY $ Saved");
            assertTrue(last(copied).contains("[COPYUID "), copied.toString());
            assertTrue(c.command("STATUS Saved (MESSAGES)").get(0).contains("(MESSAGES 2)"));

            // SAVE with MIN and MAX only keeps those two; with COUNT as well it keeps the whole result.
            List<String> minMax = c.command("SEARCH RETURN (SAVE MIN MAX) ALL");
            assertTrue(minMax.get(0).matches("\\* ESEARCH \\(TAG \"t\\d+\"\\) MIN 1 MAX 5"), minMax.toString());
            assertEquals("* SEARCH 1 5", c.command("SEARCH $").get(0));
            c.command("SEARCH RETURN (SAVE MIN COUNT) ALL");
            assertEquals("* SEARCH 1 2 3 4 5", c.command("SEARCH $").get(0));

            // A failed SEARCH with SAVE leaves $ empty.
            List<String> failed = c.command("SEARCH RETURN (SAVE) CHARSET KOI8-R ALL");
            assertTrue(last(failed).contains("NO [BADCHARSET"), failed.toString());
            assertEquals("* SEARCH", c.command("SEARCH $").get(0));

            // A new selection starts with an empty $.
            c.command("SEARCH RETURN (SAVE) ALL");
            c.ok("SELECT INBOX");
            List<String> reset = c.command("FETCH $ (UID)");
            assertEquals(1, reset.size(), reset.toString());
            assertTrue(last(reset).matches("t\\d+ OK .*"), reset.toString());
        }
    }

    /** RFC 5032 WITHIN: OLDER and YOUNGER count seconds back from the server's clock against the internal date. */
    @Test
    void withinFindsMessagesByAge() throws Exception {
        Account a = newAccount();
        try (ImapClient c = login(a)) {
            assertTrue(c.command("CAPABILITY").get(0).contains(" WITHIN"));
            c.ok("APPEND INBOX \"01-Jan-2020 00:00:00 +0000\" {" + MESSAGE.length() + "+}\r\n" + MESSAGE);
            append(c, "INBOX"); // now
            c.ok("SELECT INBOX");
            assertEquals("* SEARCH 2", c.command("SEARCH YOUNGER 3600").get(0));
            assertEquals("* SEARCH 1", c.command("SEARCH OLDER 3600").get(0));
            assertEquals("* SEARCH 1 2", c.command("SEARCH OR OLDER 86400 YOUNGER 86400").get(0));
            assertEquals("* SEARCH", c.command("SEARCH OLDER 4294967295").get(0));
            List<String> zero = c.command("SEARCH YOUNGER 0");
            assertTrue(last(zero).matches("t\\d+ BAD .*"), zero.toString());
        }
    }

    /** RFC 3501 §6.3.9: LSUB "%" returns the parent of a subscribed child as \Noselect when it is not subscribed. */
    @Test
    void lsubReturnsTheNoselectParentOfASubscribedChild() throws Exception {
        Account a = newAccount();
        try (ImapClient c = login(a)) {
            c.ok("CREATE foo/bar");
            c.ok("SUBSCRIBE foo/bar");
            c.ok("UNSUBSCRIBE foo");
            List<String> lsub = c.command("LSUB \"\" %");
            assertTrue(lsub.contains("* LSUB (\\Noselect) \"/\" foo"), lsub.toString());
            assertTrue(lsub.stream().noneMatch(l -> l.contains("foo/bar")), lsub.toString());
            List<String> all = c.command("LSUB \"\" *");
            assertTrue(all.contains("* LSUB (\\HasNoChildren) \"/\" foo/bar"), all.toString());
            assertTrue(all.stream().noneMatch(l -> l.endsWith(" foo")), "* lists the child itself: " + all);
            c.ok("SUBSCRIBE foo");
            List<String> subscribed = c.command("LSUB \"\" %");
            assertTrue(subscribed.contains("* LSUB (\\HasChildren) \"/\" foo"), subscribed.toString());
            assertTrue(subscribed.stream().noneMatch(l -> l.contains("Noselect")), "listed once: " + subscribed);
        }
    }

    /** What common clients send where no ambiguity arises: two spaces between arguments, an empty FETCH list. */
    @Test
    void sloppyButUnambiguousInputIsAccepted() throws Exception {
        Account a = newAccount();
        try (ImapClient c = login(a)) {
            append(c, "INBOX");
            c.ok("SELECT INBOX");
            List<String> stored = c.command("STORE 1  FLAGS (\\Deleted)");
            assertTrue(last(stored).matches("t\\d+ OK .*"), stored.toString());
            assertTrue(stored.get(0).startsWith("* 1 FETCH (FLAGS (\\Deleted"), stored.toString());
            List<String> empty = c.command("FETCH 1 ()");
            assertEquals(1, empty.size(), empty.toString());
            assertTrue(last(empty).matches("t\\d+ OK .*"), empty.toString());
            List<String> uid = c.command("UID FETCH 1:* ()");
            assertTrue(uid.get(0).matches("\\* 1 FETCH \\(UID \\d+\\)"), uid.toString());
            assertTrue(last(uid).matches("t\\d+ OK .*"), uid.toString());
        }
    }
}
