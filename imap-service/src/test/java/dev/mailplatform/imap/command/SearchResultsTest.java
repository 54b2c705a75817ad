package dev.mailplatform.imap.command;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mailplatform.imap.protocol.SearchReturn;
import dev.mailplatform.imap.protocol.SearchReturn.Option;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The result options on their own: in UID order as SEARCH gives them, and in any order as a SORT would. */
class SearchResultsTest {

    private static String esearch(SearchResults r) {
        return new String(r.esearch("t1", false, false).toBytes(), StandardCharsets.US_ASCII).trim();
    }

    @Test
    void ascendingMatchesCompressIntoRanges() {
        SearchResults r = new SearchResults(SearchReturn.of(Option.MIN, Option.MAX, Option.COUNT, Option.ALL));
        for (int n : new int[] {2, 3, 4, 7, 9, 10}) {
            r.add(n, n, n * 10L);
        }
        assertEquals("* ESEARCH (TAG \"t1\") MIN 2 MAX 10 COUNT 6 ALL 2:4,7,9:10", esearch(r));
    }

    /** A sort order is not ascending: MIN and MAX are still the extremes, and ALL keeps the order given. */
    @Test
    void anyOrderGivesTrueExtremesAndKeepsTheOrderInAll() {
        SearchResults r = new SearchResults(SearchReturn.of(Option.MIN, Option.MAX, Option.ALL));
        for (int n : new int[] {7, 8, 3, 12, 1, 2}) {
            r.add(n, n, n);
        }
        assertEquals("* ESEARCH (TAG \"t1\") MIN 1 MAX 12 ALL 7:8,3,12,1:2", esearch(r));
    }

    @Test
    void saveKeepsUidRunsOfNeighboursInTheViewOrOnlyMinAndMax() {
        SearchResults all = new SearchResults(SearchReturn.of(Option.SAVE));
        // Sequence numbers 1, 2, 3 are neighbours (UIDs 5, 9, 10: 6 to 8 were expunged); 5 is not.
        all.add(1, 1, 5);
        all.add(2, 2, 9);
        all.add(3, 3, 10);
        all.add(5, 5, 20);
        List<long[]> saved = all.saved();
        assertEquals(2, saved.size());
        assertArrayEquals(new long[] {5, 10}, saved.get(0));
        assertArrayEquals(new long[] {20, 20}, saved.get(1));

        SearchResults minMax = new SearchResults(SearchReturn.of(Option.SAVE, Option.MIN, Option.MAX));
        minMax.add(1, 1, 5);
        minMax.add(2, 2, 9);
        minMax.add(5, 5, 20);
        List<long[]> ends = minMax.saved();
        assertEquals(2, ends.size());
        assertArrayEquals(new long[] {5, 5}, ends.get(0));
        assertArrayEquals(new long[] {20, 20}, ends.get(1));

        assertEquals(0, new SearchResults(SearchReturn.of(Option.SAVE, Option.MAX)).saved().size());
    }
}
