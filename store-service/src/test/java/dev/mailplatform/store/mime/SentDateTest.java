package dev.mailplatform.store.mime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.james.mime4j.dom.field.DateTimeField;
import org.apache.james.mime4j.field.LenientFieldParser;
import org.junit.jupiter.api.Test;

/** The sent date: the direct parse of the common form agrees with mime4j, and leaves every other form to it. */
class SentDateTest {

    private static Instant mime4j(String value) throws Exception {
        DateTimeField f = (DateTimeField) LenientFieldParser.parse("Date: " + value);
        return f.getDate() == null ? null : f.getDate().toInstant();
    }

    private static Instant indexed(String value) {
        byte[] msg = ("From: a@example.org\r\nDate: " + value + "\r\nSubject: s\r\n\r\nbody\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        return new MimeIndexer(1000).index(ByteBuffer.wrap(msg)).sentDate();
    }

    @Test
    void theCommonFormIsParsedDirectlyAndAgreesWithMime4j() throws Exception {
        for (String v : List.of("Thu, 07 Mar 2024 09:00:00 +0000", "Thu, 7 Mar 2024 09:00:00 +0000",
                "7 Mar 2024 09:00:00 +0000", "Tue, 05 Mar 2024 12:00:00 +0100", "Sun, 31 Dec 2023 23:59:59 -0830",
                "Thu, 07 Mar 2024 09:00 +0000", "Thu, 07 Mar 2024 09:00:00 GMT", "thu, 07 MAR 2024 09:00:00 +0000",
                "Thu, 07 Mar 2024 09:00:00 +0000 (UTC)", "  Thu, 07 Mar 2024 09:00:00 -0000  ")) {
            Instant direct = MimeIndexer.rfc5322Date(v);
            assertNotNull(direct, v);
            assertEquals(mime4j(v), direct, v);
            assertEquals(direct, indexed(v), v);
        }
        assertEquals(Instant.parse("2024-03-07T17:30:00Z"), MimeIndexer.rfc5322Date("Thu, 07 Mar 2024 09:00:00 -0830"));
    }

    @Test
    void otherFormsGoToMime4j() throws Exception {
        for (String v : List.of("Thu, 07 Mar 2024 09:00:00 EST", "Thu, 07 Mar 24 09:00:00 +0000",
                "Thu, 07 Mar 2024 09:00:00 +0000 (UTC) trailing", "Thu, 07 Mar 2024 09:00:00 UT",
                "Thu, 30 Feb 2024 09:00:00 +0000", "07 Mar 2024", "garbage", "")) {
            assertNull(MimeIndexer.rfc5322Date(v), v);
        }
        // Forms mime4j still understands keep their date.
        assertEquals(mime4j("Thu, 07 Mar 2024 09:00:00 EST"), indexed("Thu, 07 Mar 2024 09:00:00 EST"));
        assertEquals(mime4j("Thu, 07 Mar 24 09:00:00 +0000"), indexed("Thu, 07 Mar 24 09:00:00 +0000"));
    }
}
