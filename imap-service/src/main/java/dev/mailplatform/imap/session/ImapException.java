package dev.mailplatform.imap.session;

/**
 * A failure a handler reports as a tagged NO or BAD with a response code; thrown inside a handler's Uni and turned
 * into the reply once, in the session.
 */
public final class ImapException extends RuntimeException {

    private final Reply reply;

    private ImapException(Reply reply) {
        super(reply.text(), null, false, false);
        this.reply = reply;
    }

    public static ImapException no(String code, String text) {
        return new ImapException(Reply.no(code, text));
    }

    public static ImapException bad(String text) {
        return new ImapException(Reply.bad(text));
    }

    public Reply reply() {
        return reply;
    }
}
