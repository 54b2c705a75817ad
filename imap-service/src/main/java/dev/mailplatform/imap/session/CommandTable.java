package dev.mailplatform.imap.session;

import static dev.mailplatform.imap.session.State.AUTHENTICATED;
import static dev.mailplatform.imap.session.State.NOT_AUTHENTICATED;
import static dev.mailplatform.imap.session.State.SELECTED;

import dev.mailplatform.imap.command.AuthenticateHandler;
import dev.mailplatform.imap.command.CapabilityHandler;
import dev.mailplatform.imap.command.CheckHandler;
import dev.mailplatform.imap.command.CloseHandler;
import dev.mailplatform.imap.command.CommandHandler;
import dev.mailplatform.imap.command.CopyHandler;
import dev.mailplatform.imap.command.CreateHandler;
import dev.mailplatform.imap.command.DeleteHandler;
import dev.mailplatform.imap.command.EnableHandler;
import dev.mailplatform.imap.command.ExpungeHandler;
import dev.mailplatform.imap.command.FetchHandler;
import dev.mailplatform.imap.command.GetQuotaHandler;
import dev.mailplatform.imap.command.GetQuotaRootHandler;
import dev.mailplatform.imap.command.IdHandler;
import dev.mailplatform.imap.command.IdleHandler;
import dev.mailplatform.imap.command.ListHandler;
import dev.mailplatform.imap.command.LoginHandler;
import dev.mailplatform.imap.command.LogoutHandler;
import dev.mailplatform.imap.command.MoveHandler;
import dev.mailplatform.imap.command.NamespaceHandler;
import dev.mailplatform.imap.command.NoopHandler;
import dev.mailplatform.imap.command.RenameHandler;
import dev.mailplatform.imap.command.SearchHandler;
import dev.mailplatform.imap.command.SelectHandler;
import dev.mailplatform.imap.command.SetQuotaHandler;
import dev.mailplatform.imap.command.StartTlsHandler;
import dev.mailplatform.imap.command.StatusHandler;
import dev.mailplatform.imap.command.StoreHandler;
import dev.mailplatform.imap.command.SubscribeHandler;
import dev.mailplatform.imap.command.UnselectHandler;
import dev.mailplatform.imap.protocol.command.Command;
import io.smallrye.mutiny.Uni;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The command table as data: for each command name, the states it is allowed in, whether the changes shown after it
 * may include EXPUNGE (not after FETCH, STORE, SEARCH or COPY by sequence number, RFC 3501 §7.4.1: the client's
 * sequence numbers must stay valid), and its handler. APPEND is absent: its literal streams, see AppendHandler.
 */
public final class CommandTable {

    /** One row. */
    public record Entry(String name, Set<State> states, boolean mayExpunge, CommandHandler<?> handler) {

        @SuppressWarnings("unchecked")
        Uni<Reply> handle(ImapSession session, Command command) {
            return ((CommandHandler<Command>) handler).handle(session, command);
        }
    }

    private static final Set<State> ANY = EnumSet.of(NOT_AUTHENTICATED, AUTHENTICATED, SELECTED);
    private static final Set<State> NOT_AUTH = EnumSet.of(NOT_AUTHENTICATED);
    private static final Set<State> AUTH = EnumSet.of(AUTHENTICATED, SELECTED);
    private static final Set<State> SEL = EnumSet.of(SELECTED);

    private final Map<String, Entry> entries = new LinkedHashMap<>();

    private CommandTable() {
    }

    public static CommandTable standard() {
        CommandTable t = new CommandTable();
        t.add("CAPABILITY", ANY, true, new CapabilityHandler());
        t.add("NOOP", ANY, true, new NoopHandler());
        t.add("LOGOUT", ANY, false, new LogoutHandler());
        t.add("ID", ANY, true, new IdHandler());
        t.add("STARTTLS", NOT_AUTH, false, new StartTlsHandler());
        t.add("LOGIN", NOT_AUTH, false, new LoginHandler());
        t.add("AUTHENTICATE", NOT_AUTH, false, new AuthenticateHandler());
        t.add("ENABLE", AUTH, true, new EnableHandler());
        t.add("SELECT", AUTH, false, new SelectHandler());
        t.add("EXAMINE", AUTH, false, new SelectHandler());
        t.add("CREATE", AUTH, true, new CreateHandler());
        t.add("DELETE", AUTH, true, new DeleteHandler());
        t.add("RENAME", AUTH, true, new RenameHandler());
        t.add("SUBSCRIBE", AUTH, true, new SubscribeHandler());
        t.add("UNSUBSCRIBE", AUTH, true, new SubscribeHandler());
        t.add("LIST", AUTH, true, new ListHandler());
        t.add("LSUB", AUTH, true, new ListHandler());
        t.add("STATUS", AUTH, true, new StatusHandler());
        t.add("NAMESPACE", AUTH, true, new NamespaceHandler());
        t.add("IDLE", AUTH, true, new IdleHandler());
        t.add("GETQUOTA", AUTH, true, new GetQuotaHandler());
        t.add("GETQUOTAROOT", AUTH, true, new GetQuotaRootHandler());
        t.add("SETQUOTA", AUTH, true, new SetQuotaHandler());
        t.add("CHECK", SEL, true, new CheckHandler());
        t.add("CLOSE", SEL, false, new CloseHandler());
        t.add("UNSELECT", SEL, false, new UnselectHandler());
        t.add("EXPUNGE", SEL, true, new ExpungeHandler());
        t.add("UID EXPUNGE", SEL, true, new ExpungeHandler());
        t.add("SEARCH", SEL, false, new SearchHandler());
        t.add("UID SEARCH", SEL, true, new SearchHandler());
        t.add("FETCH", SEL, false, new FetchHandler());
        t.add("UID FETCH", SEL, true, new FetchHandler());
        t.add("STORE", SEL, false, new StoreHandler());
        t.add("UID STORE", SEL, true, new StoreHandler());
        t.add("COPY", SEL, false, new CopyHandler());
        t.add("UID COPY", SEL, true, new CopyHandler());
        t.add("MOVE", SEL, true, new MoveHandler());
        t.add("UID MOVE", SEL, true, new MoveHandler());
        return t;
    }

    private void add(String name, Set<State> states, boolean mayExpunge, CommandHandler<?> handler) {
        entries.put(name, new Entry(name, Set.copyOf(states), mayExpunge, handler));
    }

    public Entry entry(String name) {
        return entries.get(name);
    }
}
