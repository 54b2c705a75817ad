package dev.mailplatform.store.mime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;

/**
 * Fuzzing of the MIME indexer (Jazzer): any bytes index without an exception, within the per-message limits, and
 * with every part's byte range inside the message. Small limits, so that inputs reach them.
 */
class MimeIndexerFuzzTest {

    private static final MimeIndexer INDEXER = new MimeIndexer(new MimeIndexer.Limits(4096, 2048, 64, 32, 6));

    @FuzzTest(maxDuration = "2h")
    void anyMessageIndexesWithinItsLimits(byte[] message) {
        IndexedMessage m = INDEXER.index(ByteBuffer.wrap(message));
        assertEquals(message.length, m.size());
        assertTrue(m.headerRaw().length <= 2048 && m.headerRaw().length <= message.length);
        assertTrue(m.searchBody().length() <= 4096 + 64, "search body " + m.searchBody().length());
        assertTrue(m.searchHeader().length() <= 2048 * 4, "search header " + m.searchHeader().length());
        assertInside(m.structure(), message.length);
    }

    private static void assertInside(dev.mailplatform.store.v1.BodyPart p, int size) {
        assertTrue(p.getHeaderStart() >= 0 && p.getHeaderStart() <= p.getBodyStart() && p.getBodyStart() <= p.getBodyEnd()
                && p.getBodyEnd() <= size, "part range " + p.getHeaderStart() + "/" + p.getBodyStart() + "/" + p.getBodyEnd());
        for (dev.mailplatform.store.v1.BodyPart c : p.getPartsList()) {
            assertInside(c, size);
        }
        if (p.hasMessageBody()) {
            assertInside(p.getMessageBody(), size);
        }
    }
}
