package dev.mailplatform.pop3.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzzing of the POP3 command-line parser (Jazzer): any bytes, fed whole or in pieces of any size, give the same
 * lines and "too long" events, and no line exceeds the limit.
 */
class CommandLineParserFuzzTest {

    private static final int LIMIT = 64;

    @FuzzTest(maxDuration = "2h")
    void sameLinesWholeAndSplitAndNoneTooLong(FuzzedDataProvider data) {
        int[] cuts = data.consumeInts(16);
        byte[] input = data.consumeRemainingAsBytes();
        List<String> whole = run(input, new int[] {input.length});
        int[] pieces = new int[cuts.length + 1];
        int left = input.length;
        for (int i = 0; i < cuts.length && left > 0; i++) {
            pieces[i] = Math.floorMod(cuts[i], left + 1);
            left -= pieces[i];
        }
        pieces[cuts.length] = left;
        assertEquals(whole, run(input, pieces));
        for (String line : whole) {
            // UTF-8 decoding never makes more characters than bytes, so this bounds the line's bytes from below.
            assertTrue(line.equals("<too long>") || line.length() - "line:".length() <= LIMIT - 2,
                    "a line over the limit: " + line.length());
        }
    }

    private static List<String> run(byte[] input, int[] pieces) {
        CommandLineParser parser = new CommandLineParser(LIMIT);
        List<String> out = new ArrayList<>();
        CommandLineParser.Sink sink = new CommandLineParser.Sink() {
            @Override
            public void line(String line) {
                out.add("line:" + line);
            }

            @Override
            public void lineTooLong() {
                out.add("<too long>");
            }
        };
        int off = 0;
        for (int p : pieces) {
            parser.feed(input, off, p, sink);
            off += p;
        }
        return out;
    }
}
