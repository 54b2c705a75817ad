package dev.mailplatform.pop3.session;

import dev.mailplatform.pop3.protocol.Reply;
import dev.mailplatform.pop3.store.AuthOutcome;
import dev.mailplatform.pop3.store.MaildropSnapshot;
import dev.mailplatform.pop3.store.StoreCallException;
import dev.mailplatform.protocol.StoreFailure;

/**
 * The end of PASS and AUTH PLAIN: one call to the store checks the password (counting failures cluster-wide) and, if
 * it passes, takes the maildrop's lease. A refusal is held back by the store's delay on a timer; too many close.
 */
public final class Login {

    private Login() {
    }

    public static void attempt(Pop3Session s, String user, String password) {
        Pop3Connection conn = s.connection();
        s.services().store()
                .login(user, password, conn.remoteIp(), s.leaseOwner(), s.services().config().leaseDuration())
                .emitOn(conn.eventLoop())
                .subscribe().with(login -> {
                    if (login.snapshot() == null) {
                        if (!s.isClosed()) {
                            refuse(s, login.auth());
                        }
                        return;
                    }
                    opened(s, login.auth(), login.snapshot());
                }, t -> {
                    if (t instanceof StoreCallException e && e.failure() == StoreFailure.IN_USE) {
                        s.services().metrics().lockConflict();
                    }
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
