package dev.mailplatform.pop3.command;

import dev.mailplatform.pop3.protocol.Command;
import dev.mailplatform.pop3.protocol.Reply;
import dev.mailplatform.pop3.session.CommandHandler;
import dev.mailplatform.pop3.session.Login;
import dev.mailplatform.pop3.session.Pop3Session;
import dev.mailplatform.protocol.SaslPlain;
import java.util.List;

/** RFC 5034 AUTH with SASL PLAIN only, with or without an initial response. */
public final class AuthHandler implements CommandHandler {

    @Override
    public void handle(Pop3Session s, Command c) {
        if (c.arity() == 0) {
            // The pre-RFC listing form, which some clients still send to discover mechanisms.
            s.reply(Reply.multiLine("SASL mechanisms follow", s.plaintextAllowed() ? List.of("PLAIN") : List.of()));
            return;
        }
        if (!c.argument(0).equalsIgnoreCase("PLAIN")) {
            s.reply(Reply.err("unsupported SASL mechanism, only PLAIN"));
            return;
        }
        if (!s.plaintextAllowed()) {
            s.reply(Reply.err(Reply.Code.AUTH, "plaintext authentication needs TLS here, use STLS first"));
            return;
        }
        if (c.arity() > 2) {
            s.reply(Reply.err("AUTH PLAIN takes at most one initial response"));
            return;
        }
        if (c.arity() == 2) {
            plain(s, c.argument(1).equals("=") ? "" : c.argument(1));
        } else {
            s.expectContinuation(Reply.continuation(""), response -> {
                if (response.strip().equals("*")) {
                    s.reply(Reply.err("authentication cancelled"));
                } else {
                    plain(s, response);
                }
            });
        }
    }

    private static void plain(Pop3Session s, String base64) {
        SaslPlain.Credentials credentials;
        try {
            credentials = SaslPlain.decode(base64);
        } catch (SaslPlain.MalformedException e) {
            s.reply(Reply.err("malformed PLAIN response: " + e.getMessage()));
            return;
        }
        if (!credentials.authzid().isEmpty() && !credentials.authzid().equalsIgnoreCase(credentials.authcid())) {
            s.reply(Reply.err(Reply.Code.AUTH, "acting as another user is not supported"));
            return;
        }
        Login.attempt(s, credentials.authcid(), credentials.password());
    }
}
