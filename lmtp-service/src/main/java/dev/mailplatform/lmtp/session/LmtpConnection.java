package dev.mailplatform.lmtp.session;

import dev.mailplatform.protocol.ClientConnection;

/** The MTA's socket as a session sees it ({@link ClientConnection}), plus STARTTLS and close. */
public interface LmtpConnection extends ClientConnection {

    /** Writes {@code reply}, then starts the TLS handshake; {@code done} runs when TLS is up. */
    void startTls(byte[] reply, Runnable done);

    /** Closes once what was written is flushed. */
    void close();
}
