package dev.mailplatform.imap.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SequenceSetTest {

    @Test
    void parsesAndEchoesClientSyntax() {
        SequenceSet s = SequenceSet.parse("1,3:5,*:4,7:*");
        assertEquals("1,3:5,*:4,7:*", s.toString());
        assertEquals(new SequenceSet.Range(SequenceSet.STAR, 4), s.ranges().get(2));
        assertTrue(SequenceSet.parse("*").isStarOnly());
        assertFalse(SequenceSet.parse("1:*").isStarOnly());
        assertEquals("4294967295", SequenceSet.parse("4294967295").toString());
    }

    @Test
    void refusesZeroOpenRangesAndJunk() {
        for (String bad : List.of("0", "1:", ":2", "", "1,,2", "1:0", "a", "4294967296", "01", "1:2:3", "1,")) {
            assertThrows(IllegalArgumentException.class, () -> SequenceSet.parse(bad), bad);
        }
    }

    @Test
    void resolvesStarOrdersMergesAndSorts() {
        assertEquals("2:10", SequenceSet.parse("*:4,2:3,9,10").resolve(10).toString());
        assertEquals("2:4", SequenceSet.parse("4:2").resolve(10).toString());
        assertEquals("1,3:7", SequenceSet.parse("7,6,5:3,1").resolve(7).toString());
        // RFC 3501: 559:* includes the last UID even when 559 is above it.
        assertEquals("100:559", SequenceSet.parse("559:*").resolve(100).toString());
        assertTrue(SequenceSet.parse("*").resolve(0).isEmpty());
        assertEquals(5, SequenceSet.parse("1:3,8,9").resolve(9).count());
        assertEquals(List.of(1L, 2L, 3L, 8L), SequenceSet.parse("8,1:3").resolve(9).values().boxed().toList());
    }

    @Test
    void containsConsidersStarAndReversedRanges() {
        SequenceSet s = SequenceSet.parse("5:2,*");
        assertTrue(s.contains(3, 10));
        assertTrue(s.contains(10, 10));
        assertFalse(s.contains(9, 10));
        assertFalse(s.contains(1, 10));
    }

    @Test
    void compactRendersSortedRuns() {
        assertEquals("1:3,7", SequenceSet.compact(List.of(3L, 1L, 2L, 7L)));
        assertEquals("5", SequenceSet.compact(new long[] {5, 5}));
        assertEquals("", SequenceSet.compact(List.of()));
        assertEquals("1:2,4:5", SequenceSet.of(5, 4, 1, 2).toString());
    }
}
