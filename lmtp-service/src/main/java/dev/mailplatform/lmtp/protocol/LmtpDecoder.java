package dev.mailplatform.lmtp.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A push parser for LMTP input, with no I/O: bytes go in with {@link #feed}, and {@link #next} returns the next
 * command line, message bytes or end of data, or null when it needs more input. The session tells it when DATA or a
 * BDAT chunk starts. Lines are limited; message bytes come out as they arrive, never a whole message.
 */
public final class LmtpDecoder {

    private static final int MAX_DATA_EVENT = 64 * 1024;

    private enum Mode { COMMAND, DATA, BDAT }

    private final int maxLineLength;
    private byte[] buf = new byte[4096];
    private int start;
    private int end;
    private Mode mode = Mode.COMMAND;
    /** Dropping an over-long line up to its LF. */
    private boolean discarding;
    /** DATA: the next byte starts a line (after CRLF, or at the start of the data). */
    private boolean lineStart;
    /** DATA: the last byte passed on was CR. */
    private boolean lastCr;
    private long bdatRemaining;

    public LmtpDecoder(int maxLineLength) {
        this.maxLineLength = maxLineLength;
    }

    public void feed(byte[] bytes) {
        feed(bytes, 0, bytes.length);
    }

    public void feed(byte[] bytes, int off, int len) {
        if (end + len > buf.length) {
            int live = end - start;
            if (live + len <= buf.length && start > 0) {
                System.arraycopy(buf, start, buf, 0, live);
            } else {
                byte[] grown = new byte[Math.max(buf.length * 2, live + len)];
                System.arraycopy(buf, start, grown, 0, live);
                buf = grown;
            }
            start = 0;
            end = live;
        }
        System.arraycopy(bytes, off, buf, end, len);
        end += len;
    }

    /** Input held but not yet decoded. */
    public int buffered() {
        return end - start;
    }

    /** Drops any input held (after STARTTLS, pipelined plaintext must not be taken as sent over TLS). */
    public void clear() {
        start = end = 0;
        discarding = false;
    }

    /** The DATA command was accepted: the following bytes are the message, up to the lone dot. */
    public void startData() {
        mode = Mode.DATA;
        lineStart = true;
        lastCr = false;
    }

    /** A BDAT command was read: the next {@code size} bytes are a chunk, whatever they contain. */
    public void startChunk(long size) {
        mode = Mode.BDAT;
        bdatRemaining = size;
    }

    public boolean inData() {
        return mode != Mode.COMMAND;
    }

    public InputEvent next() {
        return switch (mode) {
            case COMMAND -> line();
            case DATA -> data();
            case BDAT -> chunk();
        };
    }

    private InputEvent line() {
        while (true) {
            int lf = -1;
            for (int i = start; i < end; i++) {
                if (buf[i] == '\n') {
                    lf = i;
                    break;
                }
            }
            if (discarding) {
                if (lf < 0) {
                    start = end;
                    return null;
                }
                start = lf + 1;
                discarding = false;
                return new InputEvent.LineTooLong();
            }
            if (lf < 0) {
                if (end - start > maxLineLength) {
                    // Resynchronise at the next LF rather than drop the connection.
                    discarding = true;
                    start = end;
                }
                return null;
            }
            int from = start;
            start = lf + 1;
            if (lf + 1 - from > maxLineLength) {
                return new InputEvent.LineTooLong();
            }
            if (lf == from || buf[lf - 1] != '\r') {
                return new InputEvent.BadLine("bare LF");
            }
            for (int i = from; i < lf - 1; i++) {
                if (buf[i] == 0) {
                    return new InputEvent.BadLine("NUL");
                }
            }
            return new InputEvent.Line(new String(buf, from, lf - 1 - from, StandardCharsets.UTF_8));
        }
    }

    /** DATA: message bytes up to the next possible end marker, with the leading dot of a stuffed line removed. */
    private InputEvent data() {
        if (pendingEnd) {
            return endData();
        }
        byte[] out = new byte[Math.min(end - start, MAX_DATA_EVENT)];
        int n = 0;
        int i = start;
        boolean ended = false;
        while (i < end && n < out.length) {
            if (lineStart && buf[i] == '.') {
                if (i + 1 >= end) {
                    break;
                }
                if (buf[i + 1] == '\r') {
                    if (i + 2 >= end) {
                        break;
                    }
                    if (buf[i + 2] == '\n') {
                        i += 3;
                        ended = true;
                        break;
                    }
                }
                // RFC 5321 §4.5.2: a line's leading dot is removed.
                i++;
                lineStart = false;
                continue;
            }
            byte b = buf[i++];
            out[n++] = b;
            lineStart = b == '\n' && lastCr;
            lastCr = b == '\r';
        }
        start = i;
        if (n > 0) {
            if (ended) {
                // The end marker was consumed: hand out these bytes now and the end next time.
                pendingEnd = true;
            }
            return new InputEvent.Data(n == out.length ? out : Arrays.copyOf(out, n));
        }
        if (ended) {
            return endData();
        }
        return null;
    }

    private boolean pendingEnd;

    private InputEvent endData() {
        pendingEnd = false;
        mode = Mode.COMMAND;
        return new InputEvent.DataEnd();
    }

    private InputEvent chunk() {
        if (bdatRemaining == 0) {
            return endData();
        }
        int n = (int) Math.min(Math.min(bdatRemaining, end - start), MAX_DATA_EVENT);
        if (n == 0) {
            return null;
        }
        byte[] out = Arrays.copyOfRange(buf, start, start + n);
        start += n;
        bdatRemaining -= n;
        return new InputEvent.Data(out);
    }
}
