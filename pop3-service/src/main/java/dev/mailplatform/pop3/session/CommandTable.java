package dev.mailplatform.pop3.session;

import dev.mailplatform.pop3.command.AuthCommand;
import dev.mailplatform.pop3.command.CapaCommand;
import dev.mailplatform.pop3.command.DeleCommand;
import dev.mailplatform.pop3.command.ListCommand;
import dev.mailplatform.pop3.command.NoopCommand;
import dev.mailplatform.pop3.command.PassCommand;
import dev.mailplatform.pop3.command.QuitCommand;
import dev.mailplatform.pop3.command.RetrCommand;
import dev.mailplatform.pop3.command.RsetCommand;
import dev.mailplatform.pop3.command.StatCommand;
import dev.mailplatform.pop3.command.StlsCommand;
import dev.mailplatform.pop3.command.TopCommand;
import dev.mailplatform.pop3.command.UidlCommand;
import dev.mailplatform.pop3.command.UserCommand;
import dev.mailplatform.pop3.command.Utf8Command;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** Which command runs in which state: data, not if-chains. APOP is absent on purpose (see the README). */
public final class CommandTable {

    public record Entry(String name, Set<SessionState> states, CommandHandler handler) {
    }

    private static final Set<SessionState> AUTH = EnumSet.of(SessionState.AUTHORIZATION);
    private static final Set<SessionState> TRANS = EnumSet.of(SessionState.TRANSACTION);
    private static final Set<SessionState> BOTH = EnumSet.of(SessionState.AUTHORIZATION, SessionState.TRANSACTION);

    private static final Map<String, Entry> ENTRIES = Map.ofEntries(
            entry("CAPA", BOTH, new CapaCommand()),
            entry("QUIT", BOTH, new QuitCommand()),
            entry("NOOP", TRANS, new NoopCommand()),
            entry("STLS", AUTH, new StlsCommand()),
            entry("UTF8", AUTH, new Utf8Command()),
            entry("USER", AUTH, new UserCommand()),
            entry("PASS", AUTH, new PassCommand()),
            entry("AUTH", AUTH, new AuthCommand()),
            entry("STAT", TRANS, new StatCommand()),
            entry("LIST", TRANS, new ListCommand()),
            entry("UIDL", TRANS, new UidlCommand()),
            entry("RETR", TRANS, new RetrCommand()),
            entry("TOP", TRANS, new TopCommand()),
            entry("DELE", TRANS, new DeleCommand()),
            entry("RSET", TRANS, new RsetCommand()));

    private CommandTable() {
    }

    private static Map.Entry<String, Entry> entry(String name, Set<SessionState> states, CommandHandler handler) {
        return Map.entry(name, new Entry(name, states, handler));
    }

    /** The entry, or null for a command this server does not know. */
    public static Entry lookup(String name) {
        return ENTRIES.get(name);
    }
}
