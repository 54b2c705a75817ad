package dev.mailplatform.imap.session;

/**
 * A command's tagged completion. {@code code} is the response code without brackets (e.g. "TRYCREATE"), or null.
 * {@code afterWrite} runs once the reply is on the wire (STARTTLS upgrades, LOGOUT closes).
 */
public record Reply(Status status, String code, String text, Runnable afterWrite) {

    public enum Status {
        OK, NO, BAD
    }

    public static Reply ok(String text) {
        return new Reply(Status.OK, null, text, null);
    }

    public static Reply ok(String code, String text) {
        return new Reply(Status.OK, code, text, null);
    }

    public static Reply no(String code, String text) {
        return new Reply(Status.NO, code, text, null);
    }

    public static Reply bad(String text) {
        return new Reply(Status.BAD, null, text, null);
    }

    public Reply then(Runnable action) {
        return new Reply(status, code, text, action);
    }
}
