package dev.mailplatform.imap.protocol;

import dev.mailplatform.imap.protocol.command.Command;

/**
 * What the parser knows of the commands: each name's argument parser, and which commands stream their message
 * literal (APPEND's shape: mailbox, optional flags and date, then the message, handed over in pieces). The command
 * registry ({@code imap.registry.ImapCommands}) implements it; the codec itself names no command.
 */
public interface CommandSyntax {

    /** Parses the arguments of one command; the reader stands right after the command name. */
    @FunctionalInterface
    interface CommandParser {
        Command parse(String tag, ArgumentReader args);
    }

    /** The parser of the command named so (upper-case, {@code "UID FETCH"} for UID forms), or null if unknown. */
    CommandParser parser(String name);

    /** Whether the command streams its message literal (APPEND's shape) instead of reading it into memory. */
    boolean streamsLiteral(String name);
}
