package dev.mailplatform.pop3.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The push parser for client lines: bytes go in, complete lines come out. A line ends with CRLF or a bare LF (some
 * clients send that). A line longer than the limit (RFC 2449 §4: 255 octets including CRLF) is discarded up to its
 * end and reported once as {@link Sink#lineTooLong()}, so the session can answer and go on.
 */
public final class CommandLineParser {

    /** Receives the parser's results, in order. */
    public interface Sink {
        /** A complete line without its terminator, decoded as UTF-8 (RFC 6856). */
        void line(String line);

        void lineTooLong();
    }

    private int limit;
    private byte[] buffer;
    private int length;
    private boolean discarding;

    public CommandLineParser(int limit) {
        this.limit = limit;
        this.buffer = new byte[Math.min(limit, 256)];
    }

    public int limitInUse() {
        return limit;
    }

    /** The limit includes the line's CRLF. SASL continuation lines may get a larger one (RFC 5034 §4). */
    public void limit(int limit) {
        this.limit = limit;
    }

    public void feed(byte[] data, Sink sink) {
        feed(data, 0, data.length, sink);
    }

    public void feed(byte[] data, int offset, int count, Sink sink) {
        for (int i = offset; i < offset + count; i++) {
            byte b = data[i];
            if (b == '\n') {
                if (discarding) {
                    discarding = false;
                    length = 0;
                    sink.lineTooLong();
                    continue;
                }
                int end = length > 0 && buffer[length - 1] == '\r' ? length - 1 : length;
                String line = new String(buffer, 0, end, StandardCharsets.UTF_8);
                length = 0;
                sink.line(line);
                continue;
            }
            if (discarding) {
                continue;
            }
            // The line's bytes so far plus the CRLF still to come must fit; a CR already counted is part of it.
            int withTerminator = length + 1 + (b == '\r' ? 1 : 2);
            if (withTerminator > limit) {
                discarding = true;
                length = 0;
                continue;
            }
            if (length == buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.min(limit, buffer.length * 2));
            }
            buffer[length++] = b;
        }
    }

    /** Drops a partial line, e.g. plaintext bytes pipelined behind STLS (they must not survive the upgrade). */
    public void reset() {
        length = 0;
        discarding = false;
    }

    /** Whether a partial line is waiting for its end. */
    public boolean hasPartialLine() {
        return length > 0 || discarding;
    }
}
