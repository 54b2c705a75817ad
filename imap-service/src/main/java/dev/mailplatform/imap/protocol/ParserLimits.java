package dev.mailplatform.imap.protocol;

/**
 * Bounds that keep one connection's parser memory and work finite.
 *
 * <p>{@code maxLineLength} counts the command text outside literal payloads, summed over all the line pieces of a
 * command that literals split (CRLFs are not counted). {@code maxLiteralSize} bounds each literal of an ordinary
 * command and also their sum within one command, so a command can never make the parser hold more than
 * {@code maxLineLength + maxLiteralSize} bytes. APPEND's message literal is never buffered and is bounded by
 * {@code maxAppendSize} instead.
 */
public record ParserLimits(int maxLineLength, long maxLiteralSize, long maxAppendSize, int maxNesting,
        int maxTagLength) {

    public ParserLimits {
        if (maxLineLength < 64 || maxLiteralSize < 0 || maxAppendSize < 0 || maxNesting < 1 || maxTagLength < 1) {
            throw new IllegalArgumentException("parser limits out of range");
        }
    }

    public static ParserLimits defaults() {
        return new ParserLimits(65536, 65536, 52_428_800L, 32, 64);
    }
}
