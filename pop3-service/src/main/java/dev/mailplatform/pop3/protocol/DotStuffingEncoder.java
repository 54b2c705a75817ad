package dev.mailplatform.pop3.protocol;

/**
 * Turns message bytes, chunk by chunk, into the body of a RETR or TOP response (RFC 1939 §3): every line ends in
 * CRLF (a bare LF becomes CRLF; a lone CR inside a line is kept), a line starting with "." gets one more ".", and
 * {@link #finish} ends an unterminated last line and adds the "." line. For TOP it stops after the header, the
 * blank line and the first N body lines, and then reports that it needs no more input, so the caller can cancel
 * the store stream. Holds only a few flags between chunks, never the message.
 */
public final class DotStuffingEncoder {

    private static final int UNLIMITED = -1;

    private final int bodyLineLimit;
    private boolean atLineStart = true;
    private boolean pendingCr;
    private boolean inHeader = true;
    private boolean currentLineEmpty = true;
    private int bodyLinesLeft;
    private boolean complete;

    private DotStuffingEncoder(int bodyLineLimit) {
        this.bodyLineLimit = bodyLineLimit;
        this.bodyLinesLeft = bodyLineLimit;
    }

    /** For RETR: the whole message. */
    public static DotStuffingEncoder whole() {
        return new DotStuffingEncoder(UNLIMITED);
    }

    /** For TOP: the header, the blank line and at most {@code bodyLines} lines of the body. */
    public static DotStuffingEncoder top(int bodyLines) {
        if (bodyLines < 0) {
            throw new IllegalArgumentException("negative line count");
        }
        return new DotStuffingEncoder(bodyLines);
    }

    /** Whether the encoder has all it needs (TOP's lines are out); further input is ignored. */
    public boolean complete() {
        return complete;
    }

    /** Encodes {@code data[offset, offset+count)} into {@code out}; returns {@link #complete()}. */
    public boolean encode(byte[] data, int offset, int count, ByteSink out) {
        out.ensure(count + count / 8 + 16);
        int end = offset + count;
        for (int i = offset; i < end && !complete; i++) {
            if (!atLineStart && !pendingCr) {
                // Inside a line only CR and LF matter: copy the run before the next one whole. Byte by byte, the
                // bookkeeping of every octet cost more than the rest of RETR together.
                int run = i;
                while (run < end && data[run] != '\r' && data[run] != '\n') {
                    run++;
                }
                if (run > i) {
                    out.put(data, i, run - i);
                    i = run;
                    if (i == end) {
                        break;
                    }
                }
            }
            byte b = data[i];
            if (pendingCr) {
                pendingCr = false;
                if (b == '\n') {
                    endLine(out);
                    continue;
                }
                emit((byte) '\r', out);
                if (complete) {
                    break;
                }
            }
            if (b == '\r') {
                pendingCr = true;
            } else if (b == '\n') {
                endLine(out);
            } else {
                emit(b, out);
            }
        }
        return complete;
    }

    /** Ends the response: CRLF if the last line had none, then ".CRLF". */
    public void finish(ByteSink out) {
        out.ensure(8);
        if (pendingCr && !complete) {
            pendingCr = false;
            endLine(out);
        }
        if (!atLineStart && !complete) {
            out.put((byte) '\r');
            out.put((byte) '\n');
        }
        out.put((byte) '.');
        out.put((byte) '\r');
        out.put((byte) '\n');
        complete = true;
    }

    private boolean lineAllowed() {
        if (bodyLineLimit != UNLIMITED && !inHeader && bodyLinesLeft == 0) {
            complete = true;
            return false;
        }
        return true;
    }

    private void emit(byte b, ByteSink out) {
        if (atLineStart) {
            if (!lineAllowed()) {
                return;
            }
            if (b == '.') {
                out.put((byte) '.');
            }
            atLineStart = false;
            currentLineEmpty = false;
        }
        out.put(b);
    }

    private void endLine(ByteSink out) {
        if (atLineStart && !lineAllowed()) {
            return;
        }
        out.put((byte) '\r');
        out.put((byte) '\n');
        if (inHeader) {
            if (currentLineEmpty) {
                inHeader = false;
            }
        } else if (bodyLineLimit != UNLIMITED) {
            bodyLinesLeft--;
        }
        atLineStart = true;
        currentLineEmpty = true;
    }
}
