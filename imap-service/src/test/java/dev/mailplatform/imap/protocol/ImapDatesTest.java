package dev.mailplatform.imap.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImapDatesTest {

    @Test
    void parsesDateTimeWithSpacePaddedTwoDigitOrSingleDigitDay() {
        OffsetDateTime expected = OffsetDateTime.of(1994, 2, 1, 21, 52, 25, 0, ZoneOffset.ofHours(-8));
        assertEquals(expected, ImapDates.parseDateTime(" 1-Feb-1994 21:52:25 -0800"));
        assertEquals(expected, ImapDates.parseDateTime("01-feb-1994 21:52:25 -0800"));
        assertEquals(expected, ImapDates.parseDateTime("1-FEB-1994 21:52:25 -0800"));
        assertEquals(ZoneOffset.ofHoursMinutes(5, 30),
                ImapDates.parseDateTime("17-Jul-1996 02:44:25 +0530").getOffset());
    }

    @Test
    void refusesInvalidDateTimes() {
        for (String bad : List.of("31-Feb-1994 21:52:25 -0800", "01-Feb-1994 24:00:00 +0000", "01-Foo-1994 00:00:00 +0000",
                "01-Feb-1994 00:00:00 0000", "01-Feb-94 00:00:00 +0000", "01-Feb-1994 00:00:00", "")) {
            assertThrows(IllegalArgumentException.class, () -> ImapDates.parseDateTime(bad), bad);
        }
    }

    @Test
    void formatsDateTimeWithFixedWidthDay() {
        assertEquals(" 1-Feb-1994 21:52:25 -0800",
                ImapDates.formatDateTime(OffsetDateTime.of(1994, 2, 1, 21, 52, 25, 0, ZoneOffset.ofHours(-8))));
        assertEquals("27-Nov-2026 04:56:47 +0000",
                ImapDates.formatDateTime(Instant.parse("2026-11-27T04:56:47Z"), ZoneOffset.UTC));
        assertEquals("17-Jul-1996 02:44:25 +0530",
                ImapDates.formatDateTime(OffsetDateTime.of(1996, 7, 17, 2, 44, 25, 0, ZoneOffset.ofHoursMinutes(5, 30))));
    }

    @Test
    void parsesAndFormatsSearchDates() {
        assertEquals(LocalDate.of(1994, 2, 1), ImapDates.parseDate("1-Feb-1994"));
        assertEquals(LocalDate.of(1994, 2, 1), ImapDates.parseDate("01-fEb-1994"));
        assertEquals("1-Feb-1994", ImapDates.formatDate(LocalDate.of(1994, 2, 1)));
        assertThrows(IllegalArgumentException.class, () -> ImapDates.parseDate("001-Feb-1994"));
        assertThrows(IllegalArgumentException.class, () -> ImapDates.parseDate("29-Feb-2023"));
    }
}
