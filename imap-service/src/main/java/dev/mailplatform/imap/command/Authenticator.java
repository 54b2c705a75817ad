package dev.mailplatform.imap.command;

import dev.mailplatform.imap.session.ImapSession;
import dev.mailplatform.imap.session.Reply;
import dev.mailplatform.store.v1.AuthResult;
import dev.mailplatform.store.v1.AuthenticateRequest;
import io.smallrye.mutiny.Uni;
import java.time.Duration;

/**
 * The password check shared by LOGIN and AUTHENTICATE. Failures are counted by the store per IP and per account
 * (cluster-wide); its suggested delay is served before the NO, and after too many failures on one connection the
 * server says BYE.
 */
final class Authenticator {

    private Authenticator() {
    }

    static Uni<Reply> login(ImapSession session, String user, String password) {
        if (!session.plaintextAllowed()) {
            return Uni.createFrom().item(Reply.no("PRIVACYREQUIRED",
                    "Plaintext authentication is disabled; use STARTTLS or port 993 first"));
        }
        AuthenticateRequest request = AuthenticateRequest.newBuilder().setUsername(user).setPassword(password)
                .setRemoteIp(session.remoteIp() == null ? "" : session.remoteIp()).setProtocol("imap").build();
        return session.services().store().accounts().authenticate(request).emitOn(session.executor())
                .chain(r -> {
                    if (r.getResult() == AuthResult.AUTH_OK) {
                        return Uni.createFrom().item(session.loggedIn(r.getAccount(), r.getQuotaAlert()));
                    }
                    int failures = session.authFailed();
                    Reply reply = r.getResult() == AuthResult.AUTH_ACCOUNT_DISABLED
                            ? Reply.no("AUTHORIZATIONFAILED", "This account is disabled")
                            : Reply.no("AUTHENTICATIONFAILED", "Authentication failed");
                    if (failures >= session.services().config().maxAuthFailures()) {
                        reply = reply.then(() -> session.bye("Too many authentication failures"));
                    }
                    Uni<Reply> delayed = Uni.createFrom().item(reply);
                    if (r.getDelayMs() > 0) {
                        delayed = delayed.onItem().delayIt().by(Duration.ofMillis(r.getDelayMs()));
                    }
                    return delayed;
                });
    }
}
