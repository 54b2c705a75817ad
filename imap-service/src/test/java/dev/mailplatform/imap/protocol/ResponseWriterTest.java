package dev.mailplatform.imap.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResponseWriterTest {

    private static String out(ResponseWriter w) {
        return new String(w.toBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void quotesWhenSafeAndUsesLiteralsOtherwise() {
        assertEquals("\"a\\\"b\"", out(new ResponseWriter().string("a\"b")));
        assertEquals("\"back\\\\slash\"", out(new ResponseWriter().string("back\\slash")));
        assertEquals("{4}\r\na\r\nb", out(new ResponseWriter().string("a\r\nb")));
        assertEquals("{6}\r\nfünf ", out(new ResponseWriter().string("fünf ")));
        assertEquals("\"\"", out(new ResponseWriter().string("")));
        assertEquals("NIL", out(new ResponseWriter().nstring(null)));
        assertEquals("\"NIL\"", out(new ResponseWriter().nstring("NIL")));
    }

    @Test
    void astringUsesAtomsOnlyForValidAtoms() {
        assertEquals("Sent", out(new ResponseWriter().astring("Sent")));
        assertEquals("\"nil\"", out(new ResponseWriter().astring("nil")));
        assertEquals("\"two words\"", out(new ResponseWriter().astring("two words")));
        assertEquals("\"a]b\"", out(new ResponseWriter().astring("a]b")));
        assertEquals("\"50%\"", out(new ResponseWriter().astring("50%")));
        assertEquals("\"\"", out(new ResponseWriter().astring("")));
    }

    @Test
    void mailboxesAreModifiedUtf7Encoded() {
        assertEquals("INBOX", out(new ResponseWriter().mailbox("INBOX")));
        assertEquals("Entw&APw-rfe", out(new ResponseWriter().mailbox("Entwürfe")));
        assertEquals("\"A &- B\"", out(new ResponseWriter().mailbox("A & B")));
    }

    @Test
    void buildsAFetchResponse() {
        ResponseWriter w = new ResponseWriter();
        w.untagged().number(12).sp().atom("FETCH").sp().open().atom("FLAGS").sp()
                .flags(List.of("\\Seen", "$Label")).sp().atom("INTERNALDATE").sp()
                .dateTime(OffsetDateTime.of(2026, 11, 27, 4, 56, 47, 0, ZoneOffset.UTC)).sp()
                .atom("BODY[]").sp().literal("hi".getBytes(StandardCharsets.US_ASCII)).close().crlf();
        assertEquals("* 12 FETCH (FLAGS (\\Seen $Label) INTERNALDATE \"27-Nov-2026 04:56:47 +0000\" BODY[] {2}\r\nhi)\r\n",
                out(w));
        assertEquals(w.size(), w.toBytes().length);
        byte[] taken = w.take();
        assertEquals(0, w.size());
        assertEquals('*', taken[0]);
    }

    @Test
    void literalHeaderLeavesStreamingToTheCaller() {
        ResponseWriter w = new ResponseWriter();
        w.literalHeader(1234);
        assertArrayEquals("{1234}\r\n".getBytes(StandardCharsets.US_ASCII), w.toBytes());
    }

    @Test
    void statusResponsesAndContinuationsCannotBeSplitByText() {
        assertEquals("a1 OK [UIDNEXT 5] SELECT completed\r\n",
                out(new ResponseWriter().statusResponse("a1", "OK", "UIDNEXT 5", "SELECT completed")));
        assertEquals("* BYE bye now  a2 OK\r\n",
                out(new ResponseWriter().statusResponse("*", "BYE", null, "bye now\r\na2 OK")));
        assertEquals("a NO [TRYCREATE] no such mailbox\r\n",
                out(new ResponseWriter().statusResponse("a", "NO", "TRYCREATE", "no such mailbox")));
        assertEquals("+ idling\r\n", out(new ResponseWriter().continuation("idling")));
        assertEquals("+ \r\n", out(new ResponseWriter().continuation("")), "the empty SASL challenge");
        assertEquals("a BAD x y\r\n", out(new ResponseWriter().tagged("a").atom("BAD").sp().text("x\ny").crlf()));
    }

    @Test
    void growsBeyondItsInitialCapacity() {
        ResponseWriter w = new ResponseWriter(16);
        byte[] big = new byte[100_000];
        Arrays.fill(big, (byte) 'z');
        w.literal(big);
        assertEquals(100_000 + "{100000}\r\n".length(), w.size());
    }
}
