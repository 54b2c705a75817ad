package dev.mailplatform.imap.protocol;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of the IMAP push parser (Jazzer). The property: any bytes give the same events whole,
 * split at random points and fed one byte at a time ({@link ParserHarness}), and nothing but a BAD event comes out
 * of bad input: no exception, no hang (Jazzer's per-input timeout). Small limits, so that inputs reach them.
 *
 * <p>{@code ./mvnw verify} replays the corpus in {@code src/test/resources/.../ImapParserFuzzTestInputs}; see
 * imap-service/README.md for fuzzing.
 */
class ImapParserFuzzTest {

    private static final ParserLimits SMALL = new ParserLimits(256, 512, 2048, 8, 32);

    @FuzzTest(maxDuration = "2h")
    void anyBytesParseTheSameWholeAndSplit(byte[] input) {
        ParserHarness.events(SMALL, input, ParserHarness.ACCEPT_APPENDS);
    }
}
