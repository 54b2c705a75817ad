package dev.mailplatform.lmtp.command;

import dev.mailplatform.lmtp.protocol.Command;
import dev.mailplatform.lmtp.protocol.Reply;
import dev.mailplatform.lmtp.session.CommandHandler;
import dev.mailplatform.lmtp.session.LmtpSession;
import dev.mailplatform.lmtp.session.SessionState;
import dev.mailplatform.lmtp.session.Transaction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * BDAT n [LAST] (RFC 3030 CHUNKING): the n bytes that follow are read whatever happens, so the command stream stays
 * in step; a refused chunk gets its refusal once read. After LAST, one reply per recipient.
 */
public final class BdatHandler implements CommandHandler {

    private static final Pattern ARGS = Pattern.compile("(\\d{1,18})( +(?i:LAST))?");

    @Override
    public void handle(LmtpSession s, Command c) {
        Matcher m = ARGS.matcher(c.args());
        if (!m.matches()) {
            // Without a size the chunk cannot be skipped: the stream is out of step for good.
            s.reply(new Reply(501, "5.5.4", "BDAT needs a chunk size; closing"));
            s.close();
            return;
        }
        long size = Long.parseLong(m.group(1));
        boolean last = m.group(2) != null;
        Transaction t = s.transaction();
        Reply refusal = null;
        if (s.state() == SessionState.GREETED) {
            refusal = Reply.NEED_LHLO;
        } else if (t == null) {
            refusal = Reply.NEED_MAIL;
        } else if (t.chunkingFailed) {
            refusal = Reply.BAD_SEQUENCE;
        } else if (t.recipients.isEmpty()) {
            refusal = Reply.NO_RECIPIENTS;
        }
        if (refusal == null && !t.chunking) {
            t.chunking = true;
            s.openUpload();
        }
        s.startChunk(size, last, refusal);
    }
}
