package dev.mailplatform.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzing of the PROXY header codec (Jazzer): any bytes, offered whole or as they arrive one more at a time, get the
 * same verdict, reached at the same byte; a header never takes more bytes than offered, and "need more" never
 * outlasts the longest header.
 */
class ProxyHeaderDecoderFuzzTest {

    @FuzzTest(maxDuration = "2h")
    void sameVerdictWholeAndGrowingAndNeverPastTheInput(byte[] input) {
        ProxyHeaderDecoder.Result whole = ProxyHeaderDecoder.decode(input, 0, input.length);
        ProxyHeaderDecoder.Result grown = new ProxyHeaderDecoder.NeedMore();
        int decidedAt = input.length;
        for (int n = 0; n <= input.length; n++) {
            ProxyHeaderDecoder.Result r = ProxyHeaderDecoder.decode(input, 0, n);
            if (!(r instanceof ProxyHeaderDecoder.NeedMore)) {
                grown = r;
                decidedAt = n;
                break;
            }
        }
        assertEquals(whole, grown);
        assertTrue(decidedAt <= ProxyHeaderDecoder.MAX_LENGTH, "undecided after " + decidedAt + " bytes");
        if (whole instanceof ProxyHeaderDecoder.Decoded d) {
            assertEquals(decidedAt, d.consumed(), "decided at the header's last byte");
            assertTrue(d.consumed() > 0 && d.consumed() <= input.length);
        }
    }
}
