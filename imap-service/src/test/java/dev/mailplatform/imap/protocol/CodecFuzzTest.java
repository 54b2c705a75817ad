package dev.mailplatform.imap.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzing of the small IMAP codecs (Jazzer): modified UTF-7 mailbox names and sequence sets. The documented failure
 * of each is an IllegalArgumentException with a reason; anything else, or a broken round trip, is a finding.
 */
class CodecFuzzTest {

    @FuzzTest(maxDuration = "2h")
    void modifiedUtf7RoundTripsAndDecodesOnlyCanonicalText(FuzzedDataProvider data) {
        String name = data.consumeString(200);
        assertEquals(name, ModifiedUtf7.decode(ModifiedUtf7.encode(name)));
        String wire = data.consumeRemainingAsAsciiString();
        String decoded;
        try {
            decoded = ModifiedUtf7.decode(wire);
        } catch (IllegalArgumentException e) {
            return; // documented: not the canonical encoding of any name
        }
        assertEquals(wire, ModifiedUtf7.encode(decoded), "decode accepted a non-canonical form");
    }

    @FuzzTest(maxDuration = "2h")
    void sequenceSetsParseOrSayWhy(FuzzedDataProvider data) {
        String text = data.consumeString(300);
        long largest = data.consumeLong(0, SequenceSet.MAX_NUMBER);
        SequenceSet set;
        try {
            set = SequenceSet.parse(text);
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage() != null && !e.getMessage().isEmpty());
            return;
        }
        assertEquals(set, SequenceSet.parse(set.toString()), "toString does not parse back to the same set");
        SequenceSet resolved = set.resolve(largest);
        assertTrue(resolved.count() >= 0);
        for (long n : new long[] {1, largest, SequenceSet.MAX_NUMBER}) {
            set.contains(n, largest);
        }
    }
}
