package dev.mailplatform.pop3.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CodecTest {

    /** Records what the parser reports; "!TOO-LONG" stands for a discarded line. */
    static final class Lines implements CommandLineParser.Sink {
        final List<String> got = new ArrayList<>();

        @Override
        public void line(String line) {
            got.add(line);
        }

        @Override
        public void lineTooLong() {
            got.add("!TOO-LONG");
        }
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void parserAcceptsInputOneByteAtATime() {
        CommandLineParser p = new CommandLineParser(255);
        Lines sink = new Lines();
        for (byte x : b("USER alice@example.test\r\nPASS se cret\r\nSTAT\n")) {
            p.feed(new byte[] {x}, sink);
        }
        assertEquals(List.of("USER alice@example.test", "PASS se cret", "STAT"), sink.got);
        assertFalse(p.hasPartialLine());
    }

    @Test
    void parserJoinsSplitInputAndKeepsPartialLines() {
        CommandLineParser p = new CommandLineParser(255);
        Lines sink = new Lines();
        p.feed(b("LI"), sink);
        assertTrue(sink.got.isEmpty());
        assertTrue(p.hasPartialLine());
        p.feed(b("ST 2\r"), sink);
        assertTrue(sink.got.isEmpty());
        p.feed(b("\nNOOP\r\nRE"), sink);
        assertEquals(List.of("LIST 2", "NOOP"), sink.got);
        p.reset();
        p.feed(b("TR 1\r\n"), sink);
        assertEquals(List.of("LIST 2", "NOOP", "TR 1"), sink.got, "reset drops the partial line");
    }

    @Test
    void lineLimitCountsTheCrlfAndTheSessionGoesOn() {
        CommandLineParser p = new CommandLineParser(255);
        Lines sink = new Lines();
        String ok = "X".repeat(253);
        String tooLong = "Y".repeat(254);
        p.feed(b(ok + "\r\n" + tooLong + "\r\nNOOP\r\n"), sink);
        assertEquals(List.of(ok, "!TOO-LONG", "NOOP"), sink.got);
        // Split inside the overlong line, one byte at a time: still one report, and the next line survives.
        Lines one = new Lines();
        for (byte x : b("Z".repeat(1000) + "\r\nSTAT\r\n")) {
            p.feed(new byte[] {x}, one);
        }
        assertEquals(List.of("!TOO-LONG", "STAT"), one.got);
    }

    @Test
    void commandSplitsArgumentsButKeepsThePasswordRaw() {
        Command c = Command.parse("pass  two  spaces ");
        assertEquals("PASS", c.name());
        assertEquals(" two  spaces ", c.rawArguments());
        assertEquals(List.of("two", "spaces"), c.arguments());
        assertEquals("PASS ***", c.toString());
        assertEquals(0, Command.parse("STAT").arity());
        assertEquals(List.of("1", "10"), Command.parse("TOP 1 10").arguments());
    }

    @Test
    void repliesCarryCodesAndStayOneLine() {
        assertEquals("-ERR [IN-USE] locked\r\n", new String(Reply.err(Reply.Code.IN_USE, "locked")));
        assertEquals("+OK a  b\r\n", new String(Reply.ok("a\r\nb")), "CR and LF each become a space");
        assertEquals("+OK 2 messages\r\n1 10\r\n..x\r\n.\r\n",
                new String(Reply.multiLine("2 messages", List.of("1 10", ".x"))));
    }

    static String encode(DotStuffingEncoder e, String... chunks) {
        ByteSink out = new ByteSink(16);
        for (String c : chunks) {
            byte[] bytes = b(c);
            e.encode(bytes, 0, bytes.length, out);
        }
        e.finish(out);
        return new String(out.toByteArray(), StandardCharsets.UTF_8);
    }

    @Test
    void dotStuffsLinesStartingWithADot() {
        assertEquals("Subject: x\r\n\r\n..hidden\r\n...\r\nnot.first\r\n.\r\n",
                encode(DotStuffingEncoder.whole(), "Subject: x\r\n\r\n.hidden\r\n..\r\nnot.first\r\n"));
        // The dot at the very start of the message and right after a chunk boundary.
        assertEquals("..a\r\n..b\r\n.\r\n", encode(DotStuffingEncoder.whole(), ".a\r", "\n", ".b\r\n"));
    }

    @Test
    void endsAnUnterminatedMessageWithCrlf() {
        assertEquals("A: 1\r\n\r\nlast line\r\n.\r\n", encode(DotStuffingEncoder.whole(), "A: 1\r\n\r\nlast line"));
        assertEquals(".\r\n", encode(DotStuffingEncoder.whole()));
    }

    @Test
    void bareLfBecomesCrlfAndLoneCrStays() {
        assertEquals("A: 1\r\n\r\nx\ry\r\nz\r\n.\r\n", encode(DotStuffingEncoder.whole(), "A: 1\n\nx\ry\n", "z\n"));
        assertEquals("a\r\n.\r\n", encode(DotStuffingEncoder.whole(), "a\r"), "a final CR ends the line once");
    }

    @Test
    void topStopsAfterHeaderAndNBodyLines() {
        String msg = "A: 1\r\nB: 2\r\n\r\nline1\r\n.line2\r\nline3\r\n";
        assertEquals("A: 1\r\nB: 2\r\n\r\n.\r\n", encode(DotStuffingEncoder.top(0), msg));
        assertEquals("A: 1\r\nB: 2\r\n\r\nline1\r\n..line2\r\n.\r\n", encode(DotStuffingEncoder.top(2), msg));
        assertEquals("A: 1\r\nB: 2\r\n\r\nline1\r\n..line2\r\nline3\r\n.\r\n", encode(DotStuffingEncoder.top(99), msg));
        DotStuffingEncoder e = DotStuffingEncoder.top(1);
        ByteSink out = new ByteSink(8);
        byte[] first = b("A: 1\n\nbody1\nbody2\n");
        assertTrue(e.encode(first, 0, first.length, out), "complete once the lines are out: stop the stream");
        assertEquals("A: 1\r\n\r\nbody1\r\n", new String(out.toByteArray()));
    }

    @Test
    void chunkSplitsDoNotChangeTheOutput() {
        String msg = "H: v\r\n\r\n.a\nb\r\n\r\n..c\rd\r\nend";
        String expected = encode(DotStuffingEncoder.whole(), msg);
        for (int cut = 0; cut <= msg.length(); cut++) {
            assertEquals(expected, encode(DotStuffingEncoder.whole(), msg.substring(0, cut), msg.substring(cut)),
                    "split at " + cut);
        }
        byte[] bytes = b(msg);
        DotStuffingEncoder e = DotStuffingEncoder.whole();
        ByteSink out = new ByteSink(1);
        for (byte x : bytes) {
            e.encode(new byte[] {x}, 0, 1, out);
        }
        e.finish(out);
        assertArrayEquals(b(expected), out.toByteArray());
    }

    /** The encoder copies whole runs inside a line; on any input, split anywhere, it must still say what the rule says. */
    @Test
    void matchesThePlainRuleOnRandomInputSplitAnywhere() {
        java.util.Random r = new java.util.Random(7);
        byte[] alphabet = {'.', '\r', '\n', 'a', 'b'};
        for (int round = 0; round < 3000; round++) {
            byte[] msg = new byte[r.nextInt(48)];
            for (int i = 0; i < msg.length; i++) {
                msg[i] = alphabet[r.nextInt(alphabet.length)];
            }
            DotStuffingEncoder e = DotStuffingEncoder.whole();
            ByteSink out = new ByteSink(1);
            for (int at = 0; at < msg.length; ) {
                int n = 1 + r.nextInt(msg.length - at);
                e.encode(msg, at, n, out);
                at += n;
            }
            e.finish(out);
            assertEquals(plainRule(msg), new String(out.toByteArray(), StandardCharsets.ISO_8859_1),
                    "input " + java.util.Arrays.toString(msg));
        }
    }

    /** RFC 1939 said plainly: a line ends at LF, CRLF or a final CR; it goes out with CRLF, a leading "." doubled. */
    private static String plainRule(byte[] m) {
        StringBuilder out = new StringBuilder();
        StringBuilder line = new StringBuilder();
        boolean open = false;
        for (int i = 0; i < m.length; i++) {
            char c = (char) m[i];
            boolean lineEnd = c == '\n' || (c == '\r' && (i + 1 == m.length || m[i + 1] == '\n'));
            if (lineEnd) {
                if (c == '\r' && i + 1 < m.length) {
                    i++;
                }
                out.append(line.length() > 0 && line.charAt(0) == '.' ? "." : "").append(line).append("\r\n");
                line.setLength(0);
                open = false;
            } else {
                line.append(c);
                open = true;
            }
        }
        if (open) {
            out.append(line.charAt(0) == '.' ? "." : "").append(line).append("\r\n");
        }
        return out.append(".\r\n").toString();
    }
}
