package dev.mailplatform.lmtp.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The codec alone: fed whole and one byte at a time, the events must be the same. */
class LmtpDecoderTest {

    /** Feeds input in pieces of {@code step} bytes and collects every event; DATA starts after a "DATA" line. */
    static List<Object> run(String input, int step) {
        LmtpDecoder d = new LmtpDecoder(64);
        byte[] bytes = input.getBytes(StandardCharsets.ISO_8859_1);
        List<Object> events = new ArrayList<>();
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (int i = 0; i < bytes.length; i += step) {
            d.feed(bytes, i, Math.min(step, bytes.length - i));
            InputEvent e;
            while ((e = d.next()) != null) {
                if (e instanceof InputEvent.Data x) {
                    data.writeBytes(x.bytes());
                    continue;
                }
                if (e instanceof InputEvent.DataEnd) {
                    events.add("DATA[" + data.toString(StandardCharsets.ISO_8859_1) + "]");
                    data.reset();
                    continue;
                }
                events.add(e instanceof InputEvent.Line l ? l.text() : e.getClass().getSimpleName());
                if (e instanceof InputEvent.Line l && l.text().equals("DATA")) {
                    d.startData();
                }
                if (e instanceof InputEvent.Line l && l.text().startsWith("BDAT ")) {
                    d.startChunk(Long.parseLong(l.text().split(" ")[1]));
                }
            }
        }
        return events;
    }

    static void same(String input, List<Object> expected) {
        assertEquals(expected, run(input, input.length() + 1), "whole");
        assertEquals(expected, run(input, 1), "byte by byte");
        assertEquals(expected, run(input, 3), "three bytes at a time");
    }

    @Test
    void commandLinesAndDataWithDotUnstuffing() {
        same("LHLO x\r\nDATA\r\nline\r\n..dot\r\n.\r\nQUIT\r\n",
                List.of("LHLO x", "DATA", "DATA[line\r\n.dot\r\n]", "QUIT"));
    }

    @Test
    void anEmptyMessageEndsAtOnceAndADotInsideALineStays() {
        same("DATA\r\n.\r\nDATA\r\na.b\r\n.x\r\n.\r\n", List.of("DATA", "DATA[]", "DATA", "DATA[a.b\r\nx\r\n]"));
    }

    @Test
    void bareLfInDataDoesNotEndIt() {
        same("DATA\r\na\n.\r\nb\r\n.\r\n", List.of("DATA", "DATA[a\n.\r\nb\r\n]"));
    }

    @Test
    void bdatChunksAreTakenVerbatimWhateverTheyHold() {
        same("BDAT 9\r\n.\r\nQUIT\r\nBDAT 0\r\nNOOP\r\n", List.of("BDAT 9", "DATA[.\r\nQUIT\r\n]", "BDAT 0", "DATA[]", "NOOP"));
    }

    @Test
    void bareLfAndNulInCommandsAreRefused() {
        same("NOOP\nNO\0OP\r\nNOOP\r\n", List.of("BadLine", "BadLine", "NOOP"));
    }

    @Test
    void aLineOverTheLimitIsReportedOnceAndTheNextParses() {
        String longLine = "X".repeat(200);
        same(longLine + "\r\nNOOP\r\n", List.of("LineTooLong", "NOOP"));
        // Exactly at the limit (64 with CRLF) is fine, one more is not.
        same("Y".repeat(62) + "\r\n" + "Z".repeat(63) + "\r\n", List.of("Y".repeat(62), "LineTooLong"));
    }

    @Test
    void theBufferGrowsAndCompactsWithInputHalfConsumed() {
        // Lines consumed in part, then large feeds: the buffer must move what is left and grow past it.
        LmtpDecoder d = new LmtpDecoder(64);
        StringBuilder sent = new StringBuilder();
        d.feed("DATA\r\n".getBytes(StandardCharsets.US_ASCII));
        assertInstanceOf(InputEvent.Line.class, d.next());
        d.startData();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        for (int round = 0; round < 40; round++) {
            String chunk = ("line " + round + " ").repeat(200 + round * 37) + "\r\n";
            sent.append(chunk);
            byte[] b = chunk.getBytes(StandardCharsets.US_ASCII);
            // Feed in two uneven pieces and take only some events in between, so that input stays half consumed.
            d.feed(b, 0, b.length / 3);
            InputEvent e = d.next();
            if (e instanceof InputEvent.Data x) {
                got.writeBytes(x.bytes());
            }
            d.feed(b, b.length / 3, b.length - b.length / 3);
        }
        d.feed(".\r\n".getBytes(StandardCharsets.US_ASCII));
        InputEvent e;
        while (!((e = d.next()) instanceof InputEvent.DataEnd)) {
            got.writeBytes(((InputEvent.Data) e).bytes());
        }
        assertEquals(sent.toString(), got.toString(StandardCharsets.US_ASCII));
    }

    @Test
    void incompleteInputWaits() {
        LmtpDecoder d = new LmtpDecoder(64);
        d.feed("NO".getBytes(StandardCharsets.US_ASCII));
        assertNull(d.next());
        d.feed("OP\r\n".getBytes(StandardCharsets.US_ASCII));
        assertInstanceOf(InputEvent.Line.class, d.next());
    }

    @Test
    void mailPathsAreParsedStrictly() throws Exception {
        MailPath p = MailPath.parse("FROM:<a@b.example> SIZE=10 BODY=8BITMIME", "FROM", true);
        assertEquals("a@b.example", p.address());
        assertEquals("10", p.params().get("SIZE"));
        assertEquals("", MailPath.parse("FROM:<>", "FROM", true).address());
        assertEquals("u@d.example", MailPath.parse("TO:<@relay.example:u@d.example>", "TO", false).address());
        assertEquals("\"a b\"@d.example", MailPath.parse("TO:<\"a b\"@d.example>", "TO", false).address());
        for (String bad : List.of("TO:a@b", "TO:<a@>", "TO:<@b>", "TO:<a b@c>", "TO:<>", "TO:<a@b", "TO:<a..b@c>",
                "FROM:<a@b>")) {
            assertThrows(MailPath.Malformed.class, () -> MailPath.parse(bad, "TO", false), bad);
        }
    }
}
