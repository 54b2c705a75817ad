package dev.mailplatform.imap.protocol;

import dev.mailplatform.imap.protocol.command.Command;
import java.time.OffsetDateTime;
import java.util.List;

/** What {@link ImapParser#next()} reports. */
public sealed interface ParseEvent {

    NeedMore NEED_MORE = new NeedMore();

    /** Nothing more can be produced until more bytes are fed (or, after a synchronising AppendStart, a decision). */
    record NeedMore() implements ParseEvent {
    }

    /** A synchronising literal {@code {N}} was accepted: the server must send a continuation request now. */
    record Continue(long literalSize) implements ParseEvent {
    }

    record Request(Command command) implements ParseEvent {
    }

    /**
     * A command was refused; the parser has already skipped the rest of it.
     *
     * @param tag null when no valid tag could be read (answer with {@code * BAD})
     */
    record Bad(String tag, String reason) implements ParseEvent {
    }

    /** The stream cannot be resynchronised: answer BYE and close. */
    record Fatal(String reason) implements ParseEvent {
    }

    /**
     * The header of APPEND's message literal was read. For {@code synchronizing}, the parser waits for
     * {@link ImapParser#acceptLiteral()} or {@link ImapParser#rejectLiteral()}.
     *
     * @param flags        canonical system flags and keywords, empty when the client gave none
     * @param internalDate null when the client gave none
     */
    record AppendStart(String name, String tag, String mailbox, List<String> flags, OffsetDateTime internalDate, long size,
            boolean synchronizing) implements ParseEvent {
        public AppendStart {
            flags = List.copyOf(flags);
        }
    }

    /** A piece of the message literal; the array is the event's own copy. */
    record AppendData(byte[] chunk) implements ParseEvent {
        @Override
        public String toString() {
            return "AppendData[" + chunk.length + " bytes]";
        }
    }

    /** The message literal and the CRLF after it were read. */
    record AppendEnd(String tag) implements ParseEvent {
    }

    /** A raw line requested with {@link ImapParser#expectLine()}, without its CRLF. */
    record Line(String text) implements ParseEvent {
        @Override
        public String toString() {
            // Lines carry SASL responses: keep credentials out of logs.
            return "Line[" + text.length() + " chars]";
        }
    }
}
