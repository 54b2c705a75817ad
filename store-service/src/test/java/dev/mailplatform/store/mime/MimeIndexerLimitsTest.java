package dev.mailplatform.store.mime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Hardening item 2: what indexing one message costs is bounded whatever the message holds. Allocation is measured
 * on the indexing thread (the message's own buffer is made before).
 */
class MimeIndexerLimitsTest {

    private static final MimeIndexer INDEXER = new MimeIndexer(MimeIndexer.Limits.of(262_144));

    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    private static ByteBuffer repeat(String head, String unit, int bytes, String tail) {
        byte[] h = head.getBytes(StandardCharsets.ISO_8859_1);
        byte[] u = unit.getBytes(StandardCharsets.ISO_8859_1);
        byte[] t = tail.getBytes(StandardCharsets.ISO_8859_1);
        int n = bytes / u.length;
        ByteBuffer b = ByteBuffer.allocate(h.length + n * u.length + t.length);
        b.put(h);
        for (int i = 0; i < n; i++) {
            b.put(u);
        }
        b.put(t);
        return b.flip();
    }

    @Test
    void aFiftyMegabyteHeaderBombIndexesWithinTheHeaderBudget() {
        ByteBuffer bomb = repeat("Subject: bomb\r\n", "a:b\r\n", 50 << 20, "\r\nbody\r\n");
        long before = allocated();
        IndexedMessage m = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> INDEXER.index(bomb));
        long used = allocated() - before;
        assertTrue(used < 64L << 20, "indexing a 50 MB header bomb allocated " + (used >> 20) + " MB");
        assertTrue(m.headerRaw().length <= 262_144, "header bytes kept: " + m.headerRaw().length);
        assertTrue(m.searchHeader().length() <= 262_144 * 2, "search header: " + m.searchHeader().length());
        assertEquals("bomb", m.envelope().getSubject(), "the fields within the budget are indexed");
        assertEquals(bomb.limit(), m.size());
    }

    @Test
    void htmlOfUnclosedTagsIsLinear() {
        ByteBuffer html = repeat("Content-Type: text/html\r\n\r\n", "<", 10 << 20, "x");
        ByteBuffer scripts = repeat("Content-Type: text/html\r\n\r\n", "<script>&", 10 << 20, ";");
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            INDEXER.index(html);
            INDEXER.index(scripts);
        });
    }

    @Test
    void htmlTextDropsTagsScriptsAndStyles() {
        assertEquals(" Hello  world    & more ", HtmlText.text(
                "<p>Hello <b>world</b><script type=x>alert(1)</script><STYLE>p{}</style> &amp; more</p>"));
        assertEquals("a < b ", HtmlText.text("a &lt; b <br"));
        assertEquals("x   y", HtmlText.text("x <scripts> y"), "a tag named like script is only a tag");
    }

    @Test
    void aMultipartOfAMillionBoundariesIndexesAtMostMaxParts() {
        ByteBuffer parts = repeat("Content-Type: multipart/mixed; boundary=b\r\n\r\n", "--b\r\n\r\nx\r\n", 12 << 20,
                "--b--\r\n");
        long before = allocated();
        IndexedMessage m = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> INDEXER.index(parts));
        long used = allocated() - before;
        assertTrue(m.structure().getPartsCount() <= 2000, "parts: " + m.structure().getPartsCount());
        assertTrue(used < 64L << 20, "indexing a million boundaries allocated " + (used >> 20) + " MB");
    }

    @Test
    void aLargeTextPartIsNotCopiedWhole() {
        ByteBuffer text = repeat("Content-Type: text/plain\r\n\r\n", "word ", 40 << 20, "");
        long before = allocated();
        IndexedMessage m = INDEXER.index(text);
        long used = allocated() - before;
        assertTrue(used < 32L << 20, "indexing a 40 MB text part allocated " + (used >> 20) + " MB");
        assertTrue(m.searchBody().length() <= 262_144 + 1);
    }
}
