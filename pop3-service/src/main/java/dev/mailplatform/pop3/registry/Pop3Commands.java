package dev.mailplatform.pop3.registry;

import dev.mailplatform.pop3.command.AuthHandler;
import dev.mailplatform.pop3.command.CapaHandler;
import dev.mailplatform.pop3.command.DeleHandler;
import dev.mailplatform.pop3.command.ListHandler;
import dev.mailplatform.pop3.command.NoopHandler;
import dev.mailplatform.pop3.command.PassHandler;
import dev.mailplatform.pop3.command.QuitHandler;
import dev.mailplatform.pop3.command.RetrHandler;
import dev.mailplatform.pop3.command.RsetHandler;
import dev.mailplatform.pop3.command.StatHandler;
import dev.mailplatform.pop3.command.StlsHandler;
import dev.mailplatform.pop3.command.TopHandler;
import dev.mailplatform.pop3.command.UidlHandler;
import dev.mailplatform.pop3.command.UserHandler;
import dev.mailplatform.pop3.command.Utf8Handler;
import dev.mailplatform.pop3.session.CommandHandler;
import dev.mailplatform.pop3.session.Commands;
import dev.mailplatform.pop3.session.SessionState;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Which command runs in which state: data, not if-chains. APOP is absent on purpose (see the README). It sits above
 * both {@code session} and {@code command}: the session sees it only as {@link Commands}, so that the handlers can
 * import the session without a package cycle.
 */
@ApplicationScoped
public class Pop3Commands implements Commands {

    private static final Set<SessionState> AUTH = EnumSet.of(SessionState.AUTHORIZATION);
    private static final Set<SessionState> TRANS = EnumSet.of(SessionState.TRANSACTION);
    private static final Set<SessionState> BOTH = EnumSet.of(SessionState.AUTHORIZATION, SessionState.TRANSACTION);

    private static final Map<String, Entry> ENTRIES = Map.ofEntries(
            entry("CAPA", BOTH, new CapaHandler()),
            entry("QUIT", BOTH, new QuitHandler()),
            entry("NOOP", TRANS, new NoopHandler()),
            entry("STLS", AUTH, new StlsHandler()),
            entry("UTF8", AUTH, new Utf8Handler()),
            entry("USER", AUTH, new UserHandler()),
            entry("PASS", AUTH, new PassHandler()),
            entry("AUTH", AUTH, new AuthHandler()),
            entry("STAT", TRANS, new StatHandler()),
            entry("LIST", TRANS, new ListHandler()),
            entry("UIDL", TRANS, new UidlHandler()),
            entry("RETR", TRANS, new RetrHandler()),
            entry("TOP", TRANS, new TopHandler()),
            entry("DELE", TRANS, new DeleHandler()),
            entry("RSET", TRANS, new RsetHandler()));

    private static Map.Entry<String, Entry> entry(String name, Set<SessionState> states, CommandHandler handler) {
        return Map.entry(name, new Entry(name, states, handler));
    }

    @Override
    public Entry entry(String name) {
        return ENTRIES.get(name);
    }
}
