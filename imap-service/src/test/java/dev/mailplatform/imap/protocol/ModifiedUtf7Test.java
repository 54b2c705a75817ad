package dev.mailplatform.imap.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ModifiedUtf7Test {

    @Test
    void roundTripsTheRfcExamples() {
        assertRoundTrip("Entwürfe", "Entw&APw-rfe");
        assertRoundTrip("台北", "&U,BTFw-");
        assertRoundTrip("&", "&-");
        assertRoundTrip("~peter/mail/台北/日本語", "~peter/mail/&U,BTFw-/&ZeVnLIqe-");
        assertRoundTrip("A & B", "A &- B");
        assertRoundTrip("", "");
        assertRoundTrip("plain ASCII ~!", "plain ASCII ~!");
        assertRoundTrip("😀 smile", "&2D3eAA- smile");
        assertRoundTrip("tab\there", "tab&AAk-here");
    }

    @Test
    void roundTripsEveryCharacterClass() {
        StringBuilder sb = new StringBuilder();
        for (int cp : new int[] {0x1, 0x7f, 0xe9, 0x20ac, 0x1f600, 0x10ffff, '&', '-', ' ', 'z'}) {
            sb.appendCodePoint(cp);
        }
        String s = sb.toString();
        assertEquals(s, ModifiedUtf7.decode(ModifiedUtf7.encode(s)));
    }

    @Test
    void refusesNonCanonicalOrBrokenInput() {
        for (String bad : List.of("&", "&U,BTFw", "&AGE-", "&U,BTFw-&U,BTFw-", "&2D0-", "&3gA-", "&U/BTFw-",
                "&U,BTF-", "&AAk", "Entwürfe", "&*-", "a\nb")) {
            assertThrows(IllegalArgumentException.class, () -> ModifiedUtf7.decode(bad), bad);
        }
    }

    private static void assertRoundTrip(String unicode, String encoded) {
        assertEquals(encoded, ModifiedUtf7.encode(unicode));
        assertEquals(unicode, ModifiedUtf7.decode(encoded));
    }
}
