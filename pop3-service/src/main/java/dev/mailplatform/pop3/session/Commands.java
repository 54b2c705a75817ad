package dev.mailplatform.pop3.session;

import java.util.Set;

/**
 * The commands this server has, as the session needs them. The registry ({@code pop3.registry.Pop3Commands}) is
 * the one place they are listed; the session knows them only through this, so it imports no handler (the handlers
 * import the session).
 */
public interface Commands {

    /** One command: the states it is allowed in and how it runs. */
    record Entry(String name, Set<SessionState> states, CommandHandler handler) {
    }

    /** The command named so (upper-case), or null for one this server does not know. */
    Entry entry(String name);
}
