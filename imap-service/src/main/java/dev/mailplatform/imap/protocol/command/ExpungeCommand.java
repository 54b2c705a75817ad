package dev.mailplatform.imap.protocol.command;

import dev.mailplatform.imap.protocol.ArgumentReader;
import dev.mailplatform.imap.protocol.SequenceSet;

/** {@code EXPUNGE} ({@code uids} null) or RFC 4315 {@code UID EXPUNGE set}. */
public record ExpungeCommand(String tag, SequenceSet uids) implements Command {

    public static ExpungeCommand parse(String tag, ArgumentReader r) {
        return new ExpungeCommand(tag, null);
    }

    public static ExpungeCommand parseUid(String tag, ArgumentReader r) {
        r.sp();
        return new ExpungeCommand(tag, r.sequenceSet());
    }

    @Override
    public String name() {
        return uids == null ? "EXPUNGE" : "UID EXPUNGE";
    }
}
