package dev.mailplatform.imap.session;

import dev.mailplatform.protocol.ClientConnection;

/** The client's socket as a session sees it (shared with pop3-service as {@link ClientConnection}), plus STARTTLS. */
public interface ImapConnection extends ClientConnection {

    /** Starts the TLS handshake on what was plaintext; a failed handshake closes the connection. */
    void startTls();

    void close();
}
