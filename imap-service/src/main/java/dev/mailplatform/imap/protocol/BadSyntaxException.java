package dev.mailplatform.imap.protocol;

/**
 * A command that cannot be accepted; the message becomes the text of the tagged BAD, so it is short and never echoes
 * large client input.
 */
public final class BadSyntaxException extends RuntimeException {

    public BadSyntaxException(String reason) {
        // Thrown for every malformed command a client sends: a stack trace would be pure cost.
        super(reason, null, false, false);
    }
}
