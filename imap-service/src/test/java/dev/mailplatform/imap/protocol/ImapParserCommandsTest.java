package dev.mailplatform.imap.protocol;

import static dev.mailplatform.imap.protocol.ParserHarness.bad;
import static dev.mailplatform.imap.protocol.ParserHarness.command;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailplatform.imap.protocol.FetchAttribute.BodySection;
import dev.mailplatform.imap.protocol.SearchKey.Comparison;
import dev.mailplatform.imap.protocol.SearchKey.DateField;
import dev.mailplatform.imap.protocol.SearchKey.Field;
import dev.mailplatform.imap.protocol.SearchReturn.Option;
import dev.mailplatform.imap.protocol.command.AuthenticateCommand;
import dev.mailplatform.imap.protocol.command.CapabilityCommand;
import dev.mailplatform.imap.protocol.command.CheckCommand;
import dev.mailplatform.imap.protocol.command.CloseCommand;
import dev.mailplatform.imap.protocol.command.Command;
import dev.mailplatform.imap.protocol.command.CopyCommand;
import dev.mailplatform.imap.protocol.command.CreateCommand;
import dev.mailplatform.imap.protocol.command.DeleteCommand;
import dev.mailplatform.imap.protocol.command.EnableCommand;
import dev.mailplatform.imap.protocol.command.ExpungeCommand;
import dev.mailplatform.imap.protocol.command.FetchCommand;
import dev.mailplatform.imap.protocol.command.GetQuotaCommand;
import dev.mailplatform.imap.protocol.command.GetQuotaRootCommand;
import dev.mailplatform.imap.protocol.command.IdCommand;
import dev.mailplatform.imap.protocol.command.IdleCommand;
import dev.mailplatform.imap.protocol.command.ListCommand;
import dev.mailplatform.imap.protocol.command.LoginCommand;
import dev.mailplatform.imap.protocol.command.LogoutCommand;
import dev.mailplatform.imap.protocol.command.MoveCommand;
import dev.mailplatform.imap.protocol.command.NamespaceCommand;
import dev.mailplatform.imap.protocol.command.NoopCommand;
import dev.mailplatform.imap.protocol.command.RenameCommand;
import dev.mailplatform.imap.protocol.command.SearchCommand;
import dev.mailplatform.imap.protocol.command.SelectCommand;
import dev.mailplatform.imap.protocol.command.SetQuotaCommand;
import dev.mailplatform.imap.protocol.command.StartTlsCommand;
import dev.mailplatform.imap.protocol.command.StatusCommand;
import dev.mailplatform.imap.protocol.command.StoreCommand;
import dev.mailplatform.imap.protocol.command.SubscribeCommand;
import dev.mailplatform.imap.protocol.command.UnselectCommand;
import dev.mailplatform.imap.protocol.command.UnsubscribeCommand;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ImapParserCommandsTest {

    @Test
    void commandsWithoutArgumentsAreCaseInsensitiveAndKeepTheTag() {
        assertEquals(new CapabilityCommand("a1"), command("a1 capability"));
        assertEquals(new NoopCommand("A.2"), command("A.2 NOOP"));
        assertEquals(new LogoutCommand("x"), command("x LogOut"));
        assertEquals(new StartTlsCommand("t"), command("t STARTTLS"));
        assertEquals(new CheckCommand("t"), command("t CHECK"));
        assertEquals(new CloseCommand("t"), command("t CLOSE"));
        assertEquals(new UnselectCommand("t"), command("t UNSELECT"));
        assertEquals(new NamespaceCommand("t"), command("t NAMESPACE"));
        assertEquals(new IdleCommand("t"), command("t IDLE"));
        assertEquals("CAPABILITY", command("a1 capability").name());
        assertEquals(new ParseEvent.Bad("a", "unexpected text at end of command"), bad("a NOOP extra"));
    }

    /** Hardening item 15: a partial's number of 19 digits above 2^63-1 is BAD, not a NumberFormatException. */
    @Test
    void partialNumbersBeyondALongAreBad() {
        assertEquals("number too large", bad("a FETCH 1 BODY[]<9999999999999999999.10>").reason());
        assertEquals("number too large", bad("a FETCH 1 BODY[]<1.9223372036854775808>").reason());
        assertEquals("FETCH", command("a FETCH 1 BODY[]<4294967295.1>").name());
    }

    @Test
    void expungeAndUidExpunge() {
        assertEquals(new ExpungeCommand("a", null), command("a EXPUNGE"));
        ExpungeCommand uid = command(ExpungeCommand.class, "a UID EXPUNGE 3:5,9");
        assertEquals("UID EXPUNGE", uid.name());
        assertEquals("3:5,9", uid.uids().toString());
        assertEquals("a", bad("a UID EXPUNGE").tag());
    }

    @Test
    void loginTakesAtomsQuotedStringsWithEscapesAndLiterals() {
        assertEquals(new LoginCommand("a", "alice", "secret"), command("a LOGIN alice secret"));
        assertEquals(new LoginCommand("a", "al\"ice", "se\\cret"), command("a LOGIN \"al\\\"ice\" \"se\\\\cret\""));
        assertEquals(new LoginCommand("a", "bob", "pä ss"), command("a LOGIN {3}\r\nbob {6+}\r\npä ss"));
        assertEquals(new LoginCommand("a", "", "x]y"), command("a LOGIN \"\" x]y"));
        assertFalse(command("a LOGIN alice secret").toString().contains("secret"));
        assertEquals("invalid escape in quoted string", bad("a LOGIN \"a\\b\" c").reason());
        assertEquals("a", bad("a LOGIN alice").tag());
    }

    @Test
    void authenticateWithAndWithoutInitialResponse() {
        assertEquals(new AuthenticateCommand("a", "PLAIN", null), command("a AUTHENTICATE plain"));
        assertEquals(new AuthenticateCommand("a", "PLAIN", "AGFsaWNlAHNlY3JldA=="),
                command("a AUTHENTICATE PLAIN AGFsaWNlAHNlY3JldA=="));
        assertEquals(new AuthenticateCommand("a", "EXTERNAL", ""), command("a AUTHENTICATE EXTERNAL ="));
        assertFalse(command("a AUTHENTICATE PLAIN AGFsaWNlAHNlY3JldA==").toString().contains("AGFs"));
        assertEquals("initial response is not base64", bad("a AUTHENTICATE PLAIN abc").reason());
    }

    @Test
    void mailboxCommandsDecodeModifiedUtf7AndKeepInboxCase() {
        assertEquals(new SelectCommand("a", "inbox", false), command("a SELECT inbox"));
        SelectCommand examine = command(SelectCommand.class, "a EXAMINE \"Entw&APw-rfe\"");
        assertEquals(new SelectCommand("a", "Entwürfe", true), examine);
        assertEquals("EXAMINE", examine.name());
        assertEquals(new CreateCommand("a", "台北/x"), command("a CREATE &U,BTFw-/x"));
        assertEquals(new DeleteCommand("a", "A & B"), command("a DELETE \"A &- B\""));
        assertEquals(new RenameCommand("a", "old", "Entwürfe"), command("a RENAME old {12}\r\nEntw&APw-rfe"));
        assertEquals(new SubscribeCommand("a", "x"), command("a SUBSCRIBE x"));
        assertEquals(new UnsubscribeCommand("a", "x"), command("a UNSUBSCRIBE \"x\""));
        assertEquals(new GetQuotaRootCommand("a", "Entwürfe"), command("a GETQUOTAROOT Entw&APw-rfe"));
        // Printable but not valid modified UTF-7: a valid astring, so no BAD; the name is marked for a NO later.
        assertEquals(new SelectCommand("a", ModifiedUtf7.unusable("Entw&AP-rfe"), false),
                command("a SELECT Entw&AP-rfe"));
        assertEquals(new CreateCommand("a", ModifiedUtf7.unusable("!#$&'+,-.0123456789:;<=>?@^_`|[}")),
                command("a CREATE !#$&'+,-.0123456789:;<=>?@^_`|[}"));
        assertEquals("mailbox name is not valid modified UTF-7", bad("a CREATE \"Entwürfe\"").reason());
    }

    @Test
    void listAndLsubIncludingExtendedList() {
        assertEquals(new ListCommand("a", "", "*", false), command("a LIST \"\" *"));
        assertEquals(new ListCommand("a", "~peter/mail/台北/", "%", true),
                command("a LSUB ~peter/mail/&U,BTFw-/ %"));
        assertEquals(new ListCommand("a", "", "Entwürfe/%]", false), command("a LIST \"\" Entw&APw-rfe/%]"));
        ListCommand ext = command(ListCommand.class, "a LIST (subscribed) \"\" \"*\" RETURN (SPECIAL-USE CHILDREN)");
        assertEquals(List.of("SUBSCRIBED"), ext.selectOptions());
        assertEquals(List.of("SPECIAL-USE", "CHILDREN"), ext.returnOptions());
        assertEquals("LSUB", command("a LSUB \"\" *").name());
        assertEquals("multiple LIST patterns are not supported", bad("a LIST \"\" (INBOX Sent)").reason());
        assertEquals("LIST options with arguments are not supported",
                bad("a LIST \"\" * RETURN (STATUS (MESSAGES))").reason());
    }

    @Test
    void statusItemsAreUpperCasedAndUnknownOnesRefused() {
        assertEquals(new StatusCommand("a", "INBOX", List.of("MESSAGES", "UIDNEXT", "SIZE", "HIGHESTMODSEQ")),
                command("a STATUS INBOX (messages UIDNEXT size HighestModSeq)"));
        assertEquals("unknown STATUS item FOO", bad("a STATUS INBOX (MESSAGES FOO)").reason());
        assertEquals("a", bad("a STATUS INBOX ()").tag());
    }

    @Test
    void fetchWithSectionsPartialsAndMacros() {
        FetchCommand f = command(FetchCommand.class,
                "a UID FETCH 1:* (FLAGS BODY.PEEK[1.2.HEADER.FIELDS (Subject From)]<0.1024>)");
        assertTrue(f.uid());
        assertEquals("UID FETCH", f.name());
        assertEquals("1:*", f.set().toString());
        assertEquals(FetchAttribute.FLAGS, f.attributes().get(0));
        BodySection s = assertInstanceOf(BodySection.class, f.attributes().get(1));
        assertTrue(s.peek());
        assertEquals(List.of(1, 2), s.section().part());
        assertEquals(SectionSpec.Kind.HEADER_FIELDS, s.section().kind());
        assertEquals(List.of("Subject", "From"), s.section().fields());
        assertEquals(0L, s.partialStart());
        assertEquals(1024L, s.partialLength());
        assertEquals("BODY[1.2.HEADER.FIELDS (Subject From)]<0>", s.responseName());
        assertFalse(s.setsSeen());

        FetchCommand all = command(FetchCommand.class, "a FETCH 2,4:* ALL");
        assertFalse(all.uid());
        assertEquals(List.of(FetchAttribute.FLAGS, FetchAttribute.INTERNAL_DATE, FetchAttribute.RFC822_SIZE,
                FetchAttribute.ENVELOPE), all.attributes());
        assertEquals(3, command(FetchCommand.class, "a FETCH 1 fast").attributes().size());
        assertEquals(FetchAttribute.BODY, command(FetchCommand.class, "a FETCH 1 FULL").attributes().get(4));

        FetchCommand many = command(FetchCommand.class,
                "a FETCH 1 (uid rfc822.size RFC822 RFC822.HEADER RFC822.TEXT ENVELOPE BODY BODYSTRUCTURE "
                        + "INTERNALDATE BODY[] body[TEXT] BODY[HEADER] BODY[2.MIME] BODY[3] "
                        + "BODY[HEADER.FIELDS.NOT (\"X-A\" x-b)])");
        assertEquals(15, many.attributes().size());
        assertEquals("BODY[]", many.attributes().get(9).responseName());
        assertTrue(many.attributes().get(9).setsSeen());
        assertEquals("BODY[TEXT]", many.attributes().get(10).responseName());
        assertEquals("BODY[HEADER]", many.attributes().get(11).responseName());
        assertEquals("BODY[2.MIME]", many.attributes().get(12).responseName());
        assertEquals("BODY[3]", many.attributes().get(13).responseName());
        assertEquals("BODY[HEADER.FIELDS.NOT (X-A x-b)]", many.attributes().get(14).responseName());
        assertEquals("BODY[1.HEADER]", command(FetchCommand.class, "a FETCH 1 BODY[1.HEADER]")
                .attributes().get(0).responseName());
    }

    @Test
    void fetchRefusesInvalidSyntax() {
        assertEquals("MIME section requires a part number", bad("a FETCH 1 BODY[MIME]").reason());
        assertEquals("unknown fetch attribute FOO", bad("a FETCH 1 (FLAGS FOO)").reason());
        assertEquals("invalid sequence set", bad("a FETCH 0 FLAGS").reason());
        assertEquals("invalid sequence set", bad("a FETCH 1: FLAGS").reason());
        assertEquals("BODY.PEEK requires a section", bad("a FETCH 1 BODY.PEEK").reason());
        assertEquals("a", bad("a FETCH 1 BODY[1]<5>").tag());
        assertEquals("a", bad("a FETCH 1 (ALL)").tag());
        assertEquals("a", bad("a FETCH 1 BODY[0]").tag());
        assertEquals("a", bad("a FETCH 1 BODY[HEADER.FIELDS ()]").tag());
    }

    @Test
    void searchWithCharsetLiteralOrNotAndSequenceSets() {
        SearchCommand s = command(SearchCommand.class,
                "a SEARCH CHARSET UTF-8 OR SUBJECT {5+}\r\nfünf FROM bob NOT (SEEN 1:3)");
        assertEquals("UTF-8", s.charset());
        assertFalse(s.uid());
        SearchKey expected = new SearchKey.And(List.of(
                new SearchKey.Or(new SearchKey.Text(Field.SUBJECT, "fünf"), new SearchKey.Text(Field.FROM, "bob")),
                new SearchKey.Not(new SearchKey.And(List.of(new SearchKey.Flag("\\Seen", true),
                        new SearchKey.Sequence(SequenceSet.parse("1:3")))))));
        assertEquals(expected, s.key());

        SearchCommand u = command(SearchCommand.class, "a uid search charset \"us-ascii\" UID 5:* unseen");
        assertTrue(u.uid());
        assertEquals("US-ASCII", u.charset());
        assertEquals(new SearchKey.And(List.of(new SearchKey.Uids(SequenceSet.parse("5:*")),
                new SearchKey.Flag("\\Seen", false))), u.key());
        assertEquals(new SearchKey.And(List.of(SearchKey.ALL)), command(SearchCommand.class, "a SEARCH ALL").key());
        assertNull(command(SearchCommand.class, "a SEARCH ALL").charset());
    }

    @Test
    void searchKeysOfRfc3501AndModseq() {
        SearchCommand s = command(SearchCommand.class, "a SEARCH NEW OLD RECENT ANSWERED UNDELETED DRAFT UNFLAGGED "
                + "KEYWORD $Label UNKEYWORD \\seen BEFORE 1-Feb-1994 SENTSINCE \"01-feb-1994\" ON 29-Feb-2024 "
                + "LARGER 100 SMALLER 2000 HEADER X-Spam yes TEXT \"\" BCC b CC c TO t BODY x "
                + "MODSEQ \"/flags/\\\\draft\" all 620162338 MODSEQ 5");
        List<SearchKey> keys = ((SearchKey.And) s.key()).keys();
        assertEquals(new SearchKey.And(List.of(new SearchKey.Flag("\\Recent", true),
                new SearchKey.Flag("\\Seen", false))), keys.get(0));
        assertEquals(new SearchKey.Flag("\\Recent", false), keys.get(1));
        assertEquals(new SearchKey.Flag("\\Recent", true), keys.get(2));
        assertEquals(new SearchKey.Flag("\\Answered", true), keys.get(3));
        assertEquals(new SearchKey.Flag("\\Deleted", false), keys.get(4));
        assertEquals(new SearchKey.Flag("\\Draft", true), keys.get(5));
        assertEquals(new SearchKey.Flag("\\Flagged", false), keys.get(6));
        assertEquals(new SearchKey.Flag("$Label", true), keys.get(7));
        assertEquals(new SearchKey.Flag("\\Seen", false), keys.get(8));
        assertEquals(new SearchKey.Date(DateField.INTERNAL, Comparison.BEFORE, LocalDate.of(1994, 2, 1)),
                keys.get(9));
        assertEquals(new SearchKey.Date(DateField.SENT, Comparison.SINCE, LocalDate.of(1994, 2, 1)), keys.get(10));
        assertEquals(new SearchKey.Date(DateField.INTERNAL, Comparison.ON, LocalDate.of(2024, 2, 29)), keys.get(11));
        assertEquals(new SearchKey.Size(true, 100), keys.get(12));
        assertEquals(new SearchKey.Size(false, 2000), keys.get(13));
        assertEquals(new SearchKey.Header("X-Spam", "yes"), keys.get(14));
        assertEquals(new SearchKey.Text(Field.TEXT, ""), keys.get(15));
        assertEquals(new SearchKey.Text(Field.BCC, "b"), keys.get(16));
        assertEquals(new SearchKey.Text(Field.BODY, "x"), keys.get(19));
        assertEquals(new SearchKey.ModSeq(620162338L), keys.get(20));
        assertEquals(new SearchKey.ModSeq(5), keys.get(21));
        assertEquals(22, keys.size());
    }

    @Test
    void searchRefusesBadKeysDatesAndDeepNesting() {
        assertEquals("unknown search key FOO", bad("a SEARCH FOO").reason());
        assertEquals("invalid date", bad("a SEARCH BEFORE 30-Feb-2024").reason());
        assertEquals("invalid date", bad("a SEARCH SINCE 1-Fbr-2024").reason());
        assertEquals("nesting too deep", bad("a SEARCH " + "(".repeat(40) + "ALL" + ")".repeat(40)).reason());
        assertEquals("nesting too deep", bad("a SEARCH " + "NOT ".repeat(40) + "ALL").reason());
        assertEquals(SearchCommand.class,
                command("a SEARCH " + "(".repeat(30) + "ALL" + ")".repeat(30)).getClass());
        assertEquals("a", bad("a SEARCH").tag());
    }

    @Test
    void storeCanonicalisesSystemFlagsAndRefusesRecent() {
        StoreCommand s = command(StoreCommand.class, "a UID STORE 1:3 +FLAGS.SILENT (\\seen \\ANSWERED $Label)");
        assertEquals(new StoreCommand("a", true, SequenceSet.parse("1:3"), StoreMode.ADD, true,
                List.of("\\Seen", "\\Answered", "$Label")), s);
        assertEquals("UID STORE", s.name());
        assertEquals(new StoreCommand("a", false, SequenceSet.parse("*"), StoreMode.REMOVE, false,
                List.of("\\Deleted", "\\Draft", "\\Flagged")), command("a STORE * -flags \\Deleted \\draft \\Flagged"));
        assertEquals(new StoreCommand("a", false, SequenceSet.parse("2"), StoreMode.REPLACE, false, List.of()),
                command("a STORE 2 FLAGS ()"));
        assertEquals("\\Recent cannot be stored", bad("a STORE 1 +FLAGS (\\Recent)").reason());
        assertEquals("unknown system flag \\Junk", bad("a STORE 1 +FLAGS \\Junk").reason());
        assertEquals("unknown STORE item FLAGZ", bad("a STORE 1 FLAGZ (\\Seen)").reason());
    }

    @Test
    void copyAndMove() {
        assertEquals(new CopyCommand("a", false, SequenceSet.parse("1,3:5"), "Entwürfe"),
                command("a COPY 1,3:5 Entw&APw-rfe"));
        CopyCommand uidCopy = command(CopyCommand.class, "a UID COPY *:4 Trash");
        assertEquals("UID COPY", uidCopy.name());
        assertEquals(new MoveCommand("a", true, SequenceSet.parse("7"), "Archive"), command("a UID MOVE 7 Archive"));
        assertEquals("MOVE", command("a MOVE 1 x").name());
    }

    @Test
    void enableIdAndQuota() {
        assertEquals(new EnableCommand("a", List.of("CONDSTORE", "UTF8=ACCEPT")),
                command("a ENABLE condstore UTF8=accept"));
        assertEquals(new IdCommand("a", null), command("a ID nil"));
        Map<String, String> params = new LinkedHashMap<>();
        params.put("name", "Thunderbird");
        params.put("version", null);
        IdCommand id = command(IdCommand.class, "a ID (\"name\" \"Thunderbird\" \"version\" NIL)");
        assertEquals(params, id.parameters());
        assertEquals(List.of("name", "version"), List.copyOf(id.parameters().keySet()));
        assertEquals(Map.of(), command(IdCommand.class, "a ID ()").parameters());
        assertEquals(new GetQuotaCommand("a", ""), command("a GETQUOTA \"\""));
        assertEquals(new SetQuotaCommand("a", "", Map.of("STORAGE", 512L, "MESSAGE", 1000L)),
                command("a SETQUOTA \"\" (storage 512 MESSAGE 1000)"));
        assertEquals(Map.of(), command(SetQuotaCommand.class, "a SETQUOTA x ()").limits());
    }

    @Test
    void unknownCommandsAndBadTags() {
        assertEquals(new ParseEvent.Bad("a", "unknown command FOO"), bad("a FOO bar"));
        assertEquals(new ParseEvent.Bad("a", "unknown command UID NOOP"), bad("a UID NOOP"));
        assertEquals(new ParseEvent.Bad(null, "invalid tag"), bad("+a NOOP"));
        assertEquals(new ParseEvent.Bad(null, "tag too long"), bad("a".repeat(65) + " NOOP"));
        assertEquals(new ParseEvent.Bad(null, "invalid tag"), bad("a(b NOOP"));
        assertEquals(new ParseEvent.Bad(null, "empty line"), bad("\r\n"));
        assertEquals("APPEND requires a message literal", bad("a APPEND INBOX").reason());
        List<Object> events = ParserHarness.events("a FOO\r\nb NOOP\r\n");
        assertEquals(List.of(new ParseEvent.Bad("a", "unknown command FOO"),
                new ParseEvent.Request(new NoopCommand("b"))), events);
    }

    @Test
    void everyTableEntryHasACanonicalName() {
        for (String name : ParserHarness.COMMANDS.names()) {
            assertEquals(name, name.toUpperCase(java.util.Locale.ROOT));
        }
        Command c = command("a uid fetch 1 uid");
        assertEquals("UID FETCH", c.name());
    }

    @Test
    void condstoreModifiersAndParameters() {
        assertEquals(new SelectCommand("a", "INBOX", false, true), command("a SELECT INBOX (CONDSTORE)"));
        assertEquals(new SelectCommand("a", "INBOX", true, true), command("a EXAMINE INBOX (condstore)"));
        assertEquals(new SelectCommand("a", "INBOX", false, false, new SelectCommand.Qresync(67890007, 20050715194045000L,
                SequenceSet.parse("41,43:211,214:541"), null, null)),
                command("a SELECT INBOX (QRESYNC (67890007 20050715194045000 41,43:211,214:541))"));
        assertEquals(new SelectCommand.Qresync(67890007, 90060115194045000L, SequenceSet.parse("1:29997"),
                SequenceSet.parse("5000,7500,9000,9990:9999"), SequenceSet.parse("15000,22500,27000,29970,29973")),
                command(SelectCommand.class, "a EXAMINE INBOX (QRESYNC (67890007 90060115194045000 1:29997 "
                        + "(5000,7500,9000,9990:9999 15000,22500,27000,29970,29973)))").qresync());
        assertEquals(new SelectCommand.Qresync(1, 2, null, SequenceSet.parse("1"), SequenceSet.parse("3")),
                command(SelectCommand.class, "a SELECT INBOX (CONDSTORE QRESYNC (1 2 (1 3)))").qresync());
        assertEquals("known UIDs must not contain *", bad("a SELECT INBOX (QRESYNC (1 2 1:*))").reason());
        assertEquals("mod-sequence must not be zero", bad("a SELECT INBOX (QRESYNC (1 0))").reason());
        assertEquals("number must not be zero", bad("a SELECT INBOX (QRESYNC (0 5))").reason());
        FetchCommand f = command(FetchCommand.class, "a FETCH 1:* (FLAGS MODSEQ) (CHANGEDSINCE 12345)");
        assertEquals(List.of(FetchAttribute.FLAGS, FetchAttribute.MODSEQ), f.attributes());
        assertEquals(12345, f.changedSince());
        assertEquals(0, command(FetchCommand.class, "a FETCH 1 FLAGS").changedSince());
        assertEquals("mod-sequence must not be zero", bad("a FETCH 1 FLAGS (CHANGEDSINCE 0)").reason());
        assertEquals("number too large", bad("a FETCH 1 FLAGS (CHANGEDSINCE 9223372036854775808)").reason());
        assertEquals("VANISHED requires UID FETCH with CHANGEDSINCE", bad("a UID FETCH 1 FLAGS (VANISHED)").reason());
        assertEquals("VANISHED requires UID FETCH with CHANGEDSINCE",
                bad("a FETCH 1 FLAGS (CHANGEDSINCE 5 VANISHED)").reason());
        assertTrue(command(FetchCommand.class, "a UID FETCH 1:* FLAGS (CHANGEDSINCE 5 VANISHED)").vanished());
        StoreCommand st = command(StoreCommand.class, "a STORE 1:3 (UNCHANGEDSINCE 0) +FLAGS.SILENT (\\Seen)");
        assertEquals(0, st.unchangedSince());
        assertEquals(StoreCommand.UNCONDITIONAL, command(StoreCommand.class, "a STORE 1 FLAGS x").unchangedSince());
        assertEquals(320162338L, command(StoreCommand.class, "a UID STORE 7 (UNCHANGEDSINCE 320162338) -FLAGS x")
                .unchangedSince());
        assertEquals("unsupported STORE modifier FOO", bad("a STORE 1 (FOO 1) FLAGS x").reason());
    }

    @Test
    void sloppySpacingAndAnEmptyFetchListAreAccepted() {
        assertEquals(new StoreCommand("a", false, SequenceSet.parse("1"), StoreMode.REPLACE, false,
                List.of("\\Deleted")), command("a STORE 1  FLAGS (\\Deleted)"));
        assertEquals(List.of(), command(FetchCommand.class, "a FETCH 1 ()").attributes());
        assertEquals(List.of(FetchAttribute.UID), command(FetchCommand.class, "a FETCH 1   (UID)").attributes());
    }

    @Test
    void esearchReturnOptions() {
        SearchCommand s = command(SearchCommand.class, "a UID SEARCH RETURN (MIN COUNT) CHARSET UTF-8 FLAGGED");
        assertEquals(SearchReturn.of(Option.MIN, Option.COUNT), s.returns());
        assertEquals("UTF-8", s.charset());
        assertEquals(SearchReturn.of(Option.ALL), command(SearchCommand.class, "a SEARCH RETURN () 1:5").returns());
        assertEquals(null, command(SearchCommand.class, "a SEARCH ALL").returns());
        assertEquals("unsupported RETURN option PARTIAL", bad("a SEARCH RETURN (PARTIAL 1:5) ALL").reason());
    }

    /** RFC 5182: SAVE is a result option, and {@code $} stands alone wherever a sequence set may. */
    @Test
    void searchResSaveAndDollar() {
        SearchReturn save = command(SearchCommand.class, "a SEARCH RETURN (SAVE) UNSEEN").returns();
        assertEquals(SearchReturn.of(Option.SAVE), save);
        assertFalse(save.answers());
        assertTrue(save.savesAll());
        assertFalse(SearchReturn.of(Option.SAVE, Option.MIN).savesAll());
        assertTrue(SearchReturn.of(Option.SAVE, Option.MIN, Option.COUNT).savesAll());
        assertTrue(SearchReturn.of(Option.SAVE, Option.MAX).answers());
        assertEquals(SequenceSet.SAVED, command(FetchCommand.class, "a FETCH $ (FLAGS)").set());
        assertEquals(SequenceSet.SAVED, command(StoreCommand.class, "a UID STORE $ +FLAGS (\\Seen)").set());
        assertEquals(new SearchKey.And(List.of(new SearchKey.Sequence(SequenceSet.SAVED),
                new SearchKey.Uids(SequenceSet.SAVED))), command(SearchCommand.class, "a SEARCH $ UID $").key());
        assertEquals("$", SequenceSet.SAVED.toString());
        assertEquals("invalid sequence set: $ stands alone", bad("a FETCH $,1 (FLAGS)").reason());
        assertTrue(bad("a SELECT INBOX (QRESYNC (1 2 $))").reason().contains("$"));
    }

    /** RFC 5032: OLDER and YOUNGER take a non-zero number of seconds. */
    @Test
    void withinKeys() {
        assertEquals(new SearchKey.And(List.of(new SearchKey.Age(3600, true), new SearchKey.Age(60, false))),
                command(SearchCommand.class, "a SEARCH OLDER 3600 YOUNGER 60").key());
        assertEquals("number must not be zero", bad("a SEARCH YOUNGER 0").reason());
    }
}
