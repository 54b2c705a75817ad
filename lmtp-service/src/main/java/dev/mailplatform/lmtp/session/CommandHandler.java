package dev.mailplatform.lmtp.session;

import dev.mailplatform.lmtp.protocol.Command;

/** One command's handling; runs on the session's event loop. */
@FunctionalInterface
public interface CommandHandler {
    void handle(LmtpSession session, Command command);
}
