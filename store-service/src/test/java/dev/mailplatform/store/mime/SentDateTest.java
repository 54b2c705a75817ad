package dev.mailplatform.store.mime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.james.mime4j.dom.field.DateTimeField;
import org.apache.james.mime4j.field.LenientFieldParser;
import org.junit.jupiter.api.Test;

/**
 * The sent date: the direct parse of the common form agrees with mime4j, the obsolete forms of RFC 5322 get their
 * offsets (mime4j reads every zone name as +0000), and every other form is left to mime4j.
 */
class SentDateTest {

    private static Instant mime4j(String value) throws Exception {
        DateTimeField f = (DateTimeField) LenientFieldParser.parse("Date: " + value);
        return f.getDate() == null ? null : f.getDate().toInstant();
    }

    private static IndexedMessage index(String value) {
        byte[] msg = ("From: a@example.org\r\nDate: " + value + "\r\nSubject: s\r\n\r\nbody\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        return new MimeIndexer(1000).index(ByteBuffer.wrap(msg));
    }

    private static Instant indexed(String value) {
        return index(value).sentDate();
    }

    @Test
    void theCommonFormIsParsedDirectlyAndAgreesWithMime4j() throws Exception {
        for (String v : List.of("Thu, 07 Mar 2024 09:00:00 +0000", "Thu, 7 Mar 2024 09:00:00 +0000",
                "7 Mar 2024 09:00:00 +0000", "Tue, 05 Mar 2024 12:00:00 +0100", "Sun, 31 Dec 2023 23:59:59 -0830",
                "Thu, 07 Mar 2024 09:00 +0000", "Thu, 07 Mar 2024 09:00:00 GMT", "thu, 07 MAR 2024 09:00:00 +0000",
                "Thu, 07 Mar 2024 09:00:00 +0000 (UTC)", "  Thu, 07 Mar 2024 09:00:00 -0000  ")) {
            Instant direct = MimeIndexer.rfc5322Date(v).toInstant();
            assertEquals(mime4j(v), direct, v);
            assertEquals(direct, indexed(v), v);
        }
        assertEquals(Instant.parse("2024-03-07T17:30:00Z"),
                MimeIndexer.rfc5322Date("Thu, 07 Mar 2024 09:00:00 -0830").toInstant());
    }

    /** RFC 5322 section 4.3. mime4j reads every zone name as +0000. */
    @Test
    void obsoleteZonesAndYearsAreRead() {
        Map<String, String> cases = Map.of(
                "Thu, 07 Mar 2024 21:00:00 EST", "2024-03-08T02:00:00Z",
                "Thu, 07 Mar 2024 21:00:00 edt", "2024-03-08T01:00:00Z",
                "Thu, 07 Mar 2024 09:00:00 PST", "2024-03-07T17:00:00Z",
                "Thu, 07 Mar 2024 09:00:00 MDT (Denver)", "2024-03-07T15:00:00Z",
                "Thu, 07 Mar 2024 09:00:00 UT", "2024-03-07T09:00:00Z",
                // military letters and unknown names: "-0000", an unknown zone
                "Thu, 07 Mar 2024 09:00:00 Z", "2024-03-07T09:00:00Z",
                "Thu, 07 Mar 2024 09:00:00 CET", "2024-03-07T09:00:00Z",
                "Thu, 07 Mar 24 09:00:00 +0000", "2024-03-07T09:00:00Z",
                "Sun, 07 Mar 99 09:00:00 -0500", "1999-03-07T14:00:00Z",
                "Sun, 07 Mar 104 09:00:00 GMT", "2004-03-07T09:00:00Z");
        cases.forEach((v, expected) -> {
            assertEquals(Instant.parse(expected), MimeIndexer.rfc5322Date(v).toInstant(), v);
            assertEquals(Instant.parse(expected), indexed(v), v);
        });
    }

    /** SEARCH SENTON compares the day "disregarding time and timezone" (RFC 3501): the day as written. */
    @Test
    void theSentDayIsTheDayAsWritten() {
        IndexedMessage evening = index("Thu, 07 Mar 2024 23:30:00 -0500");
        assertEquals(Instant.parse("2024-03-08T04:30:00Z"), evening.sentDate());
        assertEquals(LocalDate.of(2024, 3, 7), evening.sentDay());
        assertEquals(LocalDate.of(2024, 3, 8), index("Fri, 08 Mar 2024 00:30:00 +0200").sentDay());
        assertEquals(LocalDate.of(2024, 3, 7), index("Thu, 07 Mar 2024 21:00:00 EST").sentDay());
        // mime4j keeps no zone: its forms get the day in UTC.
        IndexedMessage odd = index("Thu, 07 Mar 2024 09:00:00 -0500 trailing");
        assertEquals(Instant.parse("2024-03-07T14:00:00Z"), odd.sentDate());
        assertEquals(LocalDate.of(2024, 3, 7), odd.sentDay());
        IndexedMessage none = index("garbage");
        assertNull(none.sentDate());
        assertNull(none.sentDay());
    }

    @Test
    void otherFormsGoToMime4j() throws Exception {
        for (String v : List.of("Thu, 07 Mar 2024 09:00:00 +0000 (UTC) trailing", "Thu, 07 Mar 2024 09:00:00 -0500 x",
                "Thu, 30 Feb 2024 09:00:00 +0000", "07 Mar 2024", "07 Mar 24", "Thu, 07 Mar 2024 09:00:00",
                "garbage", "")) {
            assertNull(MimeIndexer.rfc5322Date(v), v);
            assertEquals(mime4j(v), indexed(v), v);
        }
    }
}
