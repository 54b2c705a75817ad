package dev.mailplatform.pop3.session;

import dev.mailplatform.protocol.ClientConnection;

/** The client's socket as a session sees it (shared with imap-service as {@link ClientConnection}), plus STLS. */
public interface Pop3Connection extends ClientConnection {

    /** Writes {@code reply}, then starts the TLS handshake; {@code done} runs when TLS is up. */
    void startTls(byte[] reply, Runnable done);

    /** Closes once what was written is flushed. */
    void close();
}
