package dev.mailplatform.imap.command;

import dev.mailplatform.imap.protocol.ResponseWriter;
import dev.mailplatform.imap.protocol.command.AuthenticateCommand;
import dev.mailplatform.imap.session.CommandHandler;
import dev.mailplatform.imap.session.ImapSession;
import dev.mailplatform.imap.session.Reply;
import dev.mailplatform.protocol.SaslPlain;
import io.smallrye.mutiny.Uni;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * AUTHENTICATE PLAIN (RFC 4616) and LOGIN (draft-murchison-sasl-login), with an initial response (SASL-IR,
 * RFC 4959). A "*" line cancels (RFC 3501 §6.2.2).
 */
public final class AuthenticateHandler implements CommandHandler<AuthenticateCommand> {

    @Override
    public Uni<Reply> handle(ImapSession session, AuthenticateCommand command) {
        String mechanism = command.mechanism();
        if (!mechanism.equals("PLAIN") && !mechanism.equals("LOGIN")) {
            return Uni.createFrom().item(Reply.no("CANNOT", "Unsupported mechanism " + mechanism));
        }
        if (!session.plaintextAllowed()) {
            return Uni.createFrom().item(Reply.no("PRIVACYREQUIRED",
                    "Plaintext authentication is disabled; use STARTTLS or port 993 first"));
        }
        if (mechanism.equals("PLAIN")) {
            if (command.initialResponse() != null) {
                return plain(session, command.initialResponse());
            }
            return challenge(session, "").chain(line -> plain(session, line));
        }
        Uni<String> user = command.initialResponse() != null ? Uni.createFrom().item(command.initialResponse())
                : challenge(session, "VXNlcm5hbWU6"); // "Username:"
        return user.chain(u -> challenge(session, "UGFzc3dvcmQ6").chain(p -> { // "Password:"
            try {
                return Authenticator.login(session, decode(u), decode(p));
            } catch (SaslPlain.MalformedException e) {
                return Uni.createFrom().item(Reply.bad("Invalid base64 in the LOGIN exchange"));
            }
        }));
    }

    private static Uni<Reply> plain(ImapSession session, String response) {
        try {
            SaslPlain.Credentials c = SaslPlain.decode(response);
            if (!c.authzid().isEmpty() && !c.authzid().equalsIgnoreCase(c.authcid())) {
                return Uni.createFrom().item(Reply.no("AUTHORIZATIONFAILED", "Acting as another user is not allowed"));
            }
            return Authenticator.login(session, c.authcid(), c.password());
        } catch (SaslPlain.MalformedException e) {
            return Uni.createFrom().item(Reply.bad("Invalid PLAIN response: " + e.getMessage()));
        }
    }

    private static String decode(String base64) throws SaslPlain.MalformedException {
        return new String(SaslPlain.decodeBase64(base64), StandardCharsets.UTF_8);
    }

    /** Sends "+ challenge" and reads the client's line; "*" cancels the exchange with BAD. */
    private static Uni<String> challenge(ImapSession session, String challenge) {
        return Uni.createFrom().emitter(emitter -> {
            session.send(new ResponseWriter().continuation(challenge));
            Consumer<String> onLine = line -> {
                if (line.equals("*")) {
                    emitter.fail(dev.mailplatform.imap.session.ImapException.bad("Authentication cancelled"));
                } else {
                    emitter.complete(line);
                }
            };
            session.commandLoop().readLine(onLine);
        });
    }
}
