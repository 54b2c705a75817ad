package dev.mailplatform.store.blob;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The cache's memory stays within its bound, whatever is put in it. */
class BlobCacheTest {

    @Test
    void evictsLeastRecentlyUsedToStayWithinItsBytes() {
        BlobCache cache = new BlobCache(100, 40);
        cache.put("a", new byte[40]);
        cache.put("b", new byte[40]);
        assertNotNull(cache.get("a"), "a is now more recently used than b");
        cache.put("c", new byte[30]);
        assertEquals(70, cache.bytes());
        assertNull(cache.get("b"));
        assertNotNull(cache.get("a"));
        assertNotNull(cache.get("c"));
        cache.put("a", new byte[40]);
        assertEquals(70, cache.bytes(), "putting a hash again replaces its entry");
    }

    @Test
    void admitsOnlySmallBlobs() {
        BlobCache cache = new BlobCache(100, 40);
        assertTrue(cache.admits(40));
        assertFalse(cache.admits(41));
        cache.put("big", new byte[41]);
        assertNull(cache.get("big"));
        assertEquals(0, cache.bytes());
        byte[] data = {1, 2, 3};
        cache.put("small", data);
        assertArrayEquals(data, cache.get("small"));
    }

    @Test
    void zeroCapacityCachesNothing() {
        BlobCache cache = new BlobCache(0, 262144);
        assertFalse(cache.admits(1));
        cache.put("x", new byte[1]);
        assertNull(cache.get("x"));
    }
}
