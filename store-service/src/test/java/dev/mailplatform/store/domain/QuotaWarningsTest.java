package dev.mailplatform.store.domain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class QuotaWarningsTest {

    @Test
    void thresholdsAreAscendingPercentagesOrNone() {
        assertArrayEquals(new int[] {80, 95}, QuotaWarnings.parse("80,95"));
        assertArrayEquals(new int[] {50, 90, 100}, QuotaWarnings.parse(" 50 , 90 ,100"));
        assertArrayEquals(new int[0], QuotaWarnings.parse("none"));
        for (String bad : new String[] {"95,80", "80,80", "0", "101", "-5", "80,x", "", "80,,95"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> QuotaWarnings.parse(bad),
                    bad);
            assertTrue(e.getMessage().startsWith("mail.quota.warning-percents"), e.getMessage());
        }
    }

    @Test
    void aThresholdIsReachedByStorageOrByMessagesAndAZeroLimitIsUnlimited() {
        assertTrue(QuotaWarnings.reached(new Quotas.Usage(80, 100, 0, 0, 0), 80), "exactly at it");
        assertFalse(QuotaWarnings.reached(new Quotas.Usage(79, 100, 0, 0, 0), 80));
        assertTrue(QuotaWarnings.reached(new Quotas.Usage(1, 100, 19, 20, 0), 95), "by messages");
        assertFalse(QuotaWarnings.reached(new Quotas.Usage(1L << 49, 0, 1_000_000, 0, 0), 1), "unlimited");
        // The largest limits the store accepts (2^50) do not overflow the comparison.
        assertTrue(QuotaWarnings.reached(new Quotas.Usage(Quotas.MAX_LIMIT, Quotas.MAX_LIMIT, 0, 0, 0), 100));
        assertFalse(QuotaWarnings.reached(new Quotas.Usage(Quotas.MAX_LIMIT - 1, Quotas.MAX_LIMIT, 0, 0, 0), 100));
    }

    @Test
    void sizesAreShownInBinaryUnits() {
        assertEquals("900 bytes", QuotaWarnings.size(900));
        assertEquals("1.5 KiB", QuotaWarnings.size(1536));
        assertEquals("1.0 GiB", QuotaWarnings.size(1L << 30));
    }
}
