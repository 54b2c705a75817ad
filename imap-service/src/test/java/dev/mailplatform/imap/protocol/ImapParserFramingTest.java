package dev.mailplatform.imap.protocol;

import static dev.mailplatform.imap.protocol.ParserHarness.events;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailplatform.imap.protocol.ParseEvent.AppendEnd;
import dev.mailplatform.imap.protocol.ParseEvent.AppendStart;
import dev.mailplatform.imap.protocol.ParseEvent.Bad;
import dev.mailplatform.imap.protocol.ParseEvent.Continue;
import dev.mailplatform.imap.protocol.ParseEvent.Line;
import dev.mailplatform.imap.protocol.ParseEvent.Request;
import dev.mailplatform.imap.protocol.ParserHarness.Data;
import dev.mailplatform.imap.protocol.command.AuthenticateCommand;
import dev.mailplatform.imap.protocol.command.IdleCommand;
import dev.mailplatform.imap.protocol.command.LoginCommand;
import dev.mailplatform.imap.protocol.command.NoopCommand;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImapParserFramingTest {

    private static final ParserLimits SMALL = new ParserLimits(100, 10, 50, 4, 8);

    private static Request noop(String tag) {
        return new Request(new NoopCommand(tag));
    }

    @Test
    void synchronisingLiteralAsksForContinuationThenCompletes() {
        assertEquals(List.of(new Continue(5), new Continue(6), new Request(new LoginCommand("a", "alice", "secret"))),
                events("a LOGIN {5}\r\nalice {6}\r\nsecret\r\n"));
        assertEquals(List.of(new Continue(0), new Request(new LoginCommand("a", "", "x"))),
                events("a LOGIN {0}\r\n x\r\n"));
    }

    @Test
    void nonSynchronisingLiteralIsSilentAndMayContainCrlfAndBraces() {
        assertEquals(List.of(new Request(new LoginCommand("a", "a\r\n{3}", "b"))), events("a LOGIN {6+}\r\na\r\n{3} b\r\n"));
    }

    @Test
    void bareLfIsAcceptedAsLineEnd() {
        assertEquals(List.of(noop("a"), noop("b")), events("a NOOP\nb NOOP\r\n"));
    }

    @Test
    void overLongLineIsRefusedAndTheNextCommandParses() {
        String longLine = "a LOGIN " + "x".repeat(120) + " y\r\n";
        assertEquals(List.of(new Bad("a", "line too long (limit 100 bytes)"), noop("b")),
                events(SMALL, longLine + "b NOOP\r\n", ParserHarness.ACCEPT_APPENDS));
        // A line of exactly the limit still parses; the CRLF does not count.
        String exact = "a LOGIN " + "x".repeat(100 - 10) + " y";
        assertEquals(100, exact.length());
        assertInstanceOf(Request.class, events(SMALL, exact + "\r\n", ParserHarness.ACCEPT_APPENDS).get(0));
    }

    @Test
    void overLongLineEndingInNonSynchronisingLiteralSkipsTheLiteralToo() {
        String input = "a LOGIN " + "x".repeat(120) + " {5+}\r\nb NOO trailing\r\nc NOOP\r\n";
        assertEquals(List.of(new Bad("a", "line too long (limit 100 bytes)"), noop("c")),
                events(SMALL, input, ParserHarness.ACCEPT_APPENDS));
    }

    @Test
    void endlessLineIsFatal() {
        ImapParser p = new ImapParser(SMALL, ParserHarness.COMMANDS);
        byte[] junk = new byte[1000];
        Arrays.fill(junk, (byte) 'x');
        ParseEvent last = ParseEvent.NEED_MORE;
        for (int i = 0; i < 10 && !(last instanceof ParseEvent.Fatal); i++) {
            p.feed(junk);
            last = p.next();
        }
        assertInstanceOf(ParseEvent.Fatal.class, last);
        p.feed("a NOOP\r\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals(ParseEvent.NEED_MORE, p.next());
    }

    @Test
    void overSizeSynchronisingLiteralIsRefusedWithoutWaitingForIt() {
        assertEquals(List.of(new Bad("a", "literal too large (limit 10 bytes)"), noop("b")),
                events(SMALL, "a LOGIN {11}\r\nb NOOP\r\n", ParserHarness.ACCEPT_APPENDS));
    }

    @Test
    void overSizeNonSynchronisingLiteralIsDiscardedWithTheRestOfTheCommand() {
        assertEquals(List.of(new Bad("a", "literal too large (limit 10 bytes)"), noop("b")),
                events(SMALL, "a LOGIN {12+}\r\nb NOOP\r\nxxxx {3+}\r\nabc rest\r\nb NOOP\r\n",
                        ParserHarness.ACCEPT_APPENDS));
    }

    @Test
    void literalsAreAlsoBoundedInTotalPerCommand() {
        assertEquals(List.of(new Continue(6), new Bad("a", "literals too large in total (limit 10 bytes)"), noop("b")),
                events(SMALL, "a LOGIN {6}\r\nabcdef {6}\r\nb NOOP\r\n", ParserHarness.ACCEPT_APPENDS));
    }

    @Test
    void unknownCommandWithLiteralIsRefusedBeforeContinuation() {
        assertEquals(List.of(new Bad("a", "unknown command FOO"), noop("b")), events("a FOO {5}\r\nb NOOP\r\n"));
        assertEquals(List.of(new Bad("a", "unknown command FOO"), noop("b")), events("a FOO {5+}\r\nxxxxx\r\nb NOOP\r\n"));
    }

    @Test
    void tooDeepNestingIsRefused() {
        assertEquals(List.of(new Bad("a", "nesting too deep"), noop("b")),
                events(SMALL, "a SEARCH ((((( ALL)))))\r\nb NOOP\r\n", ParserHarness.ACCEPT_APPENDS));
    }

    @Test
    void appendWithFlagsDateAndSynchronisingLiteralStreamsTheMessage() {
        String message = "From: a@b\r\nSubject: {5}\r\n\r\nbody with { and }\r\n";
        int size = message.getBytes(StandardCharsets.UTF_8).length;
        String input = "a APPEND Entw&APw-rfe (\\Seen $Label) \" 1-Feb-1994 21:52:25 -0800\" {" + size + "}\r\n"
                + message + "\r\nb NOOP\r\n";
        List<Object> ev = events(input);
        OffsetDateTime date = OffsetDateTime.of(1994, 2, 1, 21, 52, 25, 0, ZoneOffset.ofHours(-8));
        assertEquals(List.of(new AppendStart("APPEND", "a", "Entwürfe", List.of("\\Seen", "$Label"), date, size, true),
                new Data(message), new AppendEnd("a"), noop("b")), ev);
    }

    @Test
    void appendWithNonSynchronisingLiteralAndLiteralMailbox() {
        String input = "a APPEND {5+}\r\nINBOX {3+}\r\nhey\r\n";
        assertEquals(List.of(new AppendStart("APPEND", "a", "INBOX", List.of(), null, 3, false), new Data("hey"),
                new AppendEnd("a")), events(input));
        assertEquals(List.of(new Continue(5), new AppendStart("APPEND", "a", "INBOX", List.of(), null, 0, true), new AppendEnd("a")),
                events("a APPEND {5}\r\nINBOX {0}\r\n\r\n"));
    }

    @Test
    void appendRejectedLiteralReturnsToCommands() {
        ParserHarness.Reactor reject = (e, p) -> {
            if (e instanceof AppendStart) {
                p.rejectLiteral();
            }
        };
        assertEquals(List.of(new AppendStart("APPEND", "a", "INBOX", List.of(), null, 10, true), noop("b")),
                events(ParserLimits.defaults(), "a APPEND INBOX {10}\r\nb NOOP\r\n", reject));
    }

    @Test
    void discardedAppendStillEnds() {
        ParserHarness.Reactor discard = (e, p) -> {
            if (e instanceof AppendStart s) {
                p.discardAppend();
                if (s.synchronizing()) {
                    p.acceptLiteral();
                }
            }
        };
        assertEquals(List.of(new AppendStart("APPEND", "a", "INBOX", List.of(), null, 10, true), new AppendEnd("a"), noop("b")),
                events(ParserLimits.defaults(), "a APPEND INBOX {10}\r\n0123456789\r\nb NOOP\r\n", discard));
        assertEquals(List.of(new AppendStart("APPEND", "a", "INBOX", List.of(), null, 10, false), new AppendEnd("a")),
                events(ParserLimits.defaults(), "a APPEND INBOX {10+}\r\n0123\r\n6789\r\n", discard));
    }

    @Test
    void discardMidwayDropsOnlyTheRest() {
        ImapParser p = new ImapParser(ParserLimits.defaults(), ParserHarness.COMMANDS);
        p.feed("a APPEND INBOX {10+}\r\n0123".getBytes(StandardCharsets.US_ASCII));
        assertInstanceOf(AppendStart.class, p.next());
        assertEquals("0123", new String(assertInstanceOf(ParseEvent.AppendData.class, p.next()).chunk(),
                StandardCharsets.US_ASCII));
        p.discardAppend();
        p.feed("456789\r\nb NOOP\r\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals(new AppendEnd("a"), p.next());
        assertEquals(noop("b"), p.next());
        assertEquals(ParseEvent.NEED_MORE, p.next());
    }

    @Test
    void appendOverTheSizeLimitIsRefused() {
        assertEquals(List.of(new Bad("a", "message too large (limit 50 bytes)"), noop("b")),
                events(SMALL, "a APPEND INBOX {51}\r\nb NOOP\r\n", ParserHarness.ACCEPT_APPENDS));
        String body = "x".repeat(60);
        assertEquals(List.of(new Bad("a", "message too large (limit 50 bytes)"), noop("b")),
                events(SMALL, "a APPEND INBOX {60+}\r\n" + body + "\r\nb NOOP\r\n", ParserHarness.ACCEPT_APPENDS));
    }

    @Test
    void appendFollowedByMoreIsRefusedAfterTheMessage() {
        List<Object> ev = events("a APPEND INBOX {3+}\r\nabc {2+}\r\nde\r\nb NOOP\r\n");
        assertEquals(List.of(new AppendStart("APPEND", "a", "INBOX", List.of(), null, 3, false), new Data("abc"),
                new Bad("a", "MULTIAPPEND is not supported"), noop("b")), ev);
        assertEquals(new Bad("a", "unexpected text after message literal"),
                events("a APPEND INBOX {1+}\r\nxjunk\r\n").get(2));
    }

    @Test
    void appendSyntaxErrorsAreRefusedBeforeTheLiteral() {
        assertEquals(List.of(new Bad("a", "\\Recent cannot be stored"), noop("b")),
                events("a APPEND INBOX (\\Recent) {3}\r\nb NOOP\r\n"));
        assertEquals(List.of(new Bad("a", "invalid date-time"), noop("b")),
                events("a APPEND INBOX \"31-Feb-2020 00:00:00 +0000\" {3+}\r\nabc\r\nb NOOP\r\n"));
        assertEquals(List.of(new Bad("a", "mailbox name is not valid modified UTF-7"), noop("b")),
                events("a APPEND \"Entwürfe\" {3}\r\nb NOOP\r\n"));
    }

    @Test
    void expectLineDeliversAuthenticateResponsesAndIdleDone() {
        ParserHarness.Reactor lines = (e, p) -> {
            if (e instanceof Request r && (r.command() instanceof AuthenticateCommand
                    || r.command() instanceof IdleCommand)) {
                p.expectLine();
            }
        };
        assertEquals(List.of(new Request(new AuthenticateCommand("a", "PLAIN", null)), new Line("AGFsaWNlAHg="),
                new Request(new IdleCommand("b")), new Line("DONE"), noop("c")),
                events(ParserLimits.defaults(), "a AUTHENTICATE PLAIN\r\nAGFsaWNlAHg=\r\nb IDLE\r\nDONE\r\nc NOOP\r\n",
                        lines));
        String longLine = "y".repeat(150);
        assertEquals(List.of(new Request(new IdleCommand("b")), new Bad(null, "line too long (limit 100 bytes)"),
                noop("c")), events(SMALL, "b IDLE\r\n" + longLine + "\r\nc NOOP\r\n", lines));
        assertThrows(IllegalStateException.class, () -> {
            ImapParser p = new ImapParser(ParserLimits.defaults(), ParserHarness.COMMANDS);
            p.feed("a APPEND INBOX {3}\r\n".getBytes(StandardCharsets.US_ASCII));
            p.next();
            p.expectLine();
        });
    }

    @Test
    void tenMegabyteAppendNeverGrowsTheParserBuffers() {
        ParserLimits limits = ParserLimits.defaults();
        ImapParser p = new ImapParser(limits, ParserHarness.COMMANDS);
        int size = 10 * 1024 * 1024;
        p.feed(("a APPEND INBOX {" + size + "+}\r\n").getBytes(StandardCharsets.US_ASCII));
        assertInstanceOf(AppendStart.class, p.next());
        byte[] chunk = new byte[64 * 1024];
        long delivered = 0;
        long checksum = 0;
        int sent = 0;
        while (sent < size) {
            for (int i = 0; i < chunk.length; i++) {
                chunk[i] = (byte) (sent + i);
            }
            int n = Math.min(chunk.length, size - sent);
            p.feed(chunk, 0, n);
            sent += n;
            ParseEvent e;
            while (!((e = p.next()) instanceof ParseEvent.NeedMore)) {
                byte[] data = assertInstanceOf(ParseEvent.AppendData.class, e).chunk();
                for (byte b : data) {
                    checksum += (b & 0xff) * ((delivered++ % 7) + 1);
                }
            }
            assertEquals(0, p.bufferedBytes());
            assertTrue(p.bufferCapacity() <= 2L * chunk.length + limits.maxLineLength() * 2L + 2,
                    "capacity " + p.bufferCapacity());
        }
        p.feed("\r\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals(new AppendEnd("a"), p.next());
        assertEquals(size, delivered);
        long expected = 0;
        for (long i = 0; i < size; i++) {
            expected += ((byte) i & 0xff) * ((i % 7) + 1);
        }
        assertEquals(expected, checksum);
    }

    @Test
    void literalBytesAreBoundedWhileReadingCommands() {
        ParserLimits limits = ParserLimits.defaults();
        ImapParser p = new ImapParser(limits, ParserHarness.COMMANDS);
        p.feed(("a LOGIN {65536+}\r\n" + "x".repeat(65536) + " {65536+}\r\n").getBytes(StandardCharsets.US_ASCII));
        ParseEvent e = p.next();
        assertTrue(p.bufferedBytes() <= limits.maxLineLength() + limits.maxLiteralSize(), "buffered " + p.bufferedBytes());
        assertEquals(ParseEvent.NEED_MORE, e);
        p.feed(("y".repeat(65536) + "\r\nb NOOP\r\n").getBytes(StandardCharsets.US_ASCII));
        assertEquals(new Bad("a", "literals too large in total (limit 65536 bytes)"), p.next());
        assertEquals(noop("b"), p.next());
        assertEquals(0, p.bufferedBytes());
    }
}
