package dev.mailplatform.lmtp.protocol;

/** What {@link LmtpDecoder} hands the session, one at a time. */
public sealed interface InputEvent {

    /** A command line, without its CRLF. */
    record Line(String text) implements InputEvent {
    }

    /** A command line over the limit; its bytes were dropped up to its end, so the next line parses cleanly. */
    record LineTooLong() implements InputEvent {
    }

    /** A command line with a bare LF or a NUL; refused, never guessed at. */
    record BadLine(String reason) implements InputEvent {
    }

    /** Message bytes from DATA (dot-unstuffed) or from a BDAT chunk. */
    record Data(byte[] bytes) implements InputEvent {
    }

    /** The end of DATA (the lone dot) or of the current BDAT chunk. */
    record DataEnd() implements InputEvent {
    }
}
