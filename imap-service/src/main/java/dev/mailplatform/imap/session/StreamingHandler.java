package dev.mailplatform.imap.session;

import dev.mailplatform.imap.protocol.ParseEvent;

/**
 * A command that streams its message literal (APPEND): the parser reports its arguments before the literal, then
 * hands the literal over in pieces to the sink {@link #start} registers with the session.
 */
public interface StreamingHandler {

    /** The command may run: take the literal (ask for it when synchronising) and stream it on. */
    void start(ImapSession session, ParseEvent.AppendStart start);

    /** The command may not run: never ask for a synchronising literal, read and drop a non-synchronising one. */
    void refuse(ImapSession session, ParseEvent.AppendStart start, Reply reply);
}
