package dev.mailplatform.pop3.session;

import dev.mailplatform.pop3.protocol.Reply;
import dev.mailplatform.pop3.store.AuthOutcome;
import dev.mailplatform.pop3.store.MaildropSnapshot;
import dev.mailplatform.pop3.store.StoreCallException;
import dev.mailplatform.protocol.StoreFailure;

/**
 * The end of PASS and AUTH PLAIN: check the password with the store (which counts failures cluster-wide), hold back
 * a refusal by the store's delay on a timer, close after too many, then take the maildrop's lease.
 */
public final class Login {

    private Login() {
    }

    public static void attempt(Pop3Session s, String user, String password) {
        Pop3Connection conn = s.connection();
        s.services().store().authenticate(user, password, conn.remoteIp())
                .emitOn(conn.eventLoop())
                .subscribe().with(outcome -> authenticated(s, outcome), s::fail);
    }

    private static void authenticated(Pop3Session s, AuthOutcome outcome) {
        if (s.isClosed()) {
            return;
        }
        if (outcome.result() != AuthOutcome.Result.OK) {
            refuse(s, outcome);
            return;
        }
        s.services().store().openMaildrop(outcome.accountId(), s.leaseOwner(), s.services().config().leaseSeconds())
                .emitOn(s.connection().eventLoop())
                .subscribe().with(snapshot -> opened(s, outcome, snapshot), t -> {
                    if (t instanceof StoreCallException e && e.failure() == StoreFailure.IN_USE) {
                        s.services().metrics().lockConflict();
                    }
                    s.releaseAccountPermit();
                    s.fail(t);
                });
    }

    private static void opened(Pop3Session s, AuthOutcome outcome, MaildropSnapshot snapshot) {
        if (s.isClosed()) {
            // The client left while the lease was being taken: give it back at once.
            s.services().store().release(outcome.accountId(), snapshot.leaseId()).subscribe().with(x -> {
            }, t -> {
            });
            return;
        }
        Maildrop drop = new Maildrop(snapshot);
        s.enterTransaction(outcome.accountId(), outcome.address(), drop);
        s.reply(Reply.ok("maildrop locked and ready, " + drop.visibleCount() + " messages (" + drop.visibleSize()
                + " octets)"));
    }

    private static void refuse(Pop3Session s, AuthOutcome outcome) {
        s.releaseAccountPermit();
        boolean last = s.authFailed();
        byte[] reply = outcome.result() == AuthOutcome.Result.ACCOUNT_DISABLED
                ? Reply.err(Reply.Code.AUTH, "account disabled")
                : Reply.err(Reply.Code.AUTH, last ? "invalid user name or password, too many failures, closing"
                        : "invalid user name or password");
        Runnable answer = () -> {
            if (s.isClosed()) {
                return;
            }
            s.reply(reply);
            if (last) {
                s.close();
            }
        };
        if (outcome.delayMs() > 0) {
            s.connection().setTimer(outcome.delayMs(), answer);
        } else {
            answer.run();
        }
    }
}
