package dev.mailplatform.imap.registry;

import static dev.mailplatform.imap.session.SessionState.AUTHENTICATED;
import static dev.mailplatform.imap.session.SessionState.NOT_AUTHENTICATED;
import static dev.mailplatform.imap.session.SessionState.SELECTED;

import dev.mailplatform.imap.command.AppendHandler;
import dev.mailplatform.imap.command.AuthenticateHandler;
import dev.mailplatform.imap.command.CapabilityHandler;
import dev.mailplatform.imap.command.CheckHandler;
import dev.mailplatform.imap.command.CloseHandler;
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
import dev.mailplatform.imap.protocol.BadSyntaxException;
import dev.mailplatform.imap.protocol.CommandSyntax;
import dev.mailplatform.imap.protocol.command.AuthenticateCommand;
import dev.mailplatform.imap.protocol.command.CapabilityCommand;
import dev.mailplatform.imap.protocol.command.CheckCommand;
import dev.mailplatform.imap.protocol.command.CloseCommand;
import dev.mailplatform.imap.protocol.command.CopyCommand;
import dev.mailplatform.imap.protocol.command.CreateCommand;
import dev.mailplatform.imap.protocol.command.DeleteCommand;
import dev.mailplatform.imap.protocol.command.EnableCommand;
import dev.mailplatform.imap.protocol.command.ExpungeCommand;
import dev.mailplatform.imap.protocol.command.FetchCommand;
import dev.mailplatform.imap.protocol.command.GetQuotaCommand;
import dev.mailplatform.imap.protocol.command.GetQuotaRootCommand;
import dev.mailplatform.imap.protocol.command.IdCommand;
import dev.mailplatform.imap.protocol.command.IdleCommand;
import dev.mailplatform.imap.protocol.command.ListCommand;
import dev.mailplatform.imap.protocol.command.LoginCommand;
import dev.mailplatform.imap.protocol.command.LogoutCommand;
import dev.mailplatform.imap.protocol.command.MoveCommand;
import dev.mailplatform.imap.protocol.command.NamespaceCommand;
import dev.mailplatform.imap.protocol.command.NoopCommand;
import dev.mailplatform.imap.protocol.command.RenameCommand;
import dev.mailplatform.imap.protocol.command.SearchCommand;
import dev.mailplatform.imap.protocol.command.SelectCommand;
import dev.mailplatform.imap.protocol.command.SetQuotaCommand;
import dev.mailplatform.imap.protocol.command.StartTlsCommand;
import dev.mailplatform.imap.protocol.command.StatusCommand;
import dev.mailplatform.imap.protocol.command.StoreCommand;
import dev.mailplatform.imap.protocol.command.SubscribeCommand;
import dev.mailplatform.imap.protocol.command.UnselectCommand;
import dev.mailplatform.imap.protocol.command.UnsubscribeCommand;
import dev.mailplatform.imap.session.CommandHandler;
import dev.mailplatform.imap.session.Commands;
import dev.mailplatform.imap.session.SessionState;
import dev.mailplatform.imap.session.StreamingHandler;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every IMAP command, in one table: its name, the parser of its arguments, the states it is allowed in, whether the
 * changes shown after it may include EXPUNGE, the capability it brings, and its handler. Adding a command is a parser
 * (a record in {@code protocol.command}), a handler (in {@code command}) and one line here. The parser and the
 * session see this table only through {@link CommandSyntax} and {@link Commands}, so neither names a command.
 */
@ApplicationScoped
public class ImapCommands implements Commands, CommandSyntax {

    private static final Set<SessionState> ANY = EnumSet.of(NOT_AUTHENTICATED, AUTHENTICATED, SELECTED);
    private static final Set<SessionState> NOT_AUTH = EnumSet.of(NOT_AUTHENTICATED);
    private static final Set<SessionState> AUTH = EnumSet.of(AUTHENTICATED, SELECTED);
    private static final Set<SessionState> SEL = EnumSet.of(SELECTED);
    /** After these by sequence number no EXPUNGE is shown (RFC 3501 §7.4.1); their UID forms may show one. */
    private static final boolean NO_EXPUNGE = false;
    private static final boolean EXPUNGE = true;

    private record Row(Commands.Entry entry, CommandParser parser) {
    }

    private final Map<String, Row> rows = new LinkedHashMap<>();
    private final List<String> capabilities;

    public ImapCommands() {
        add("CAPABILITY", CapabilityCommand::parse, ANY, EXPUNGE, "", new CapabilityHandler());
        add("NOOP", NoopCommand::parse, ANY, EXPUNGE, "", new NoopHandler());
        add("LOGOUT", LogoutCommand::parse, ANY, NO_EXPUNGE, "", new LogoutHandler());
        add("ID", IdCommand::parse, ANY, EXPUNGE, "ID", new IdHandler());
        add("STARTTLS", StartTlsCommand::parse, NOT_AUTH, NO_EXPUNGE, "STARTTLS", new StartTlsHandler());
        add("LOGIN", LoginCommand::parse, NOT_AUTH, NO_EXPUNGE, "", new LoginHandler());
        add("AUTHENTICATE", AuthenticateCommand::parse, NOT_AUTH, NO_EXPUNGE, "SASL-IR", new AuthenticateHandler());
        add("ENABLE", EnableCommand::parse, AUTH, EXPUNGE, "ENABLE", new EnableHandler());
        add("SELECT", SelectCommand::parseSelect, AUTH, NO_EXPUNGE, "QRESYNC", new SelectHandler());
        add("EXAMINE", SelectCommand::parseExamine, AUTH, NO_EXPUNGE, "", new SelectHandler());
        add("CREATE", CreateCommand::parse, AUTH, EXPUNGE, "", new CreateHandler());
        add("DELETE", DeleteCommand::parse, AUTH, EXPUNGE, "", new DeleteHandler());
        add("RENAME", RenameCommand::parse, AUTH, EXPUNGE, "", new RenameHandler());
        add("SUBSCRIBE", SubscribeCommand::parse, AUTH, EXPUNGE, "", new SubscribeHandler());
        add("UNSUBSCRIBE", UnsubscribeCommand::parse, AUTH, EXPUNGE, "", new SubscribeHandler());
        add("LIST", ListCommand::parseList, AUTH, EXPUNGE, "CHILDREN SPECIAL-USE", new ListHandler());
        add("LSUB", ListCommand::parseLsub, AUTH, EXPUNGE, "", new ListHandler());
        add("STATUS", StatusCommand::parse, AUTH, EXPUNGE, "", new StatusHandler());
        add("NAMESPACE", NamespaceCommand::parse, AUTH, EXPUNGE, "NAMESPACE", new NamespaceHandler());
        add("IDLE", IdleCommand::parse, AUTH, EXPUNGE, "IDLE", new IdleHandler());
        add("GETQUOTA", GetQuotaCommand::parse, AUTH, EXPUNGE, "QUOTA QUOTA=RES-STORAGE QUOTA=RES-MESSAGE",
                new GetQuotaHandler());
        add("GETQUOTAROOT", GetQuotaRootCommand::parse, AUTH, EXPUNGE, "", new GetQuotaRootHandler());
        add("SETQUOTA", SetQuotaCommand::parse, AUTH, EXPUNGE, "", new SetQuotaHandler());
        // APPEND streams its message literal: the parser reports the arguments before it (AppendStart), and a
        // complete APPEND line only reaches this parser when it carried no message.
        addStreaming("APPEND", (t, r) -> {
            throw new BadSyntaxException("APPEND requires a message literal");
        }, AUTH, "APPENDLIMIT", new AppendHandler());
        add("CHECK", CheckCommand::parse, SEL, EXPUNGE, "", new CheckHandler());
        add("CLOSE", CloseCommand::parse, SEL, NO_EXPUNGE, "", new CloseHandler());
        add("UNSELECT", UnselectCommand::parse, SEL, NO_EXPUNGE, "UNSELECT", new UnselectHandler());
        add("EXPUNGE", ExpungeCommand::parse, SEL, EXPUNGE, "", new ExpungeHandler());
        add("UID EXPUNGE", ExpungeCommand::parseUid, SEL, EXPUNGE, "UIDPLUS", new ExpungeHandler());
        add("SEARCH", (t, r) -> SearchCommand.parse(t, false, r), SEL, NO_EXPUNGE, "ESEARCH SEARCHRES WITHIN", new SearchHandler());
        add("UID SEARCH", (t, r) -> SearchCommand.parse(t, true, r), SEL, EXPUNGE, "", new SearchHandler());
        add("FETCH", (t, r) -> FetchCommand.parse(t, false, r), SEL, NO_EXPUNGE, "", new FetchHandler());
        add("UID FETCH", (t, r) -> FetchCommand.parse(t, true, r), SEL, EXPUNGE, "", new FetchHandler());
        // CONDSTORE (RFC 7162) spans SELECT, STATUS, FETCH, SEARCH, ENABLE and STORE; it is named for the last.
        add("STORE", (t, r) -> StoreCommand.parse(t, false, r), SEL, NO_EXPUNGE, "CONDSTORE", new StoreHandler());
        add("UID STORE", (t, r) -> StoreCommand.parse(t, true, r), SEL, EXPUNGE, "", new StoreHandler());
        add("COPY", (t, r) -> CopyCommand.parse(t, false, r), SEL, NO_EXPUNGE, "", new CopyHandler());
        add("UID COPY", (t, r) -> CopyCommand.parse(t, true, r), SEL, EXPUNGE, "", new CopyHandler());
        add("MOVE", (t, r) -> MoveCommand.parse(t, false, r), SEL, EXPUNGE, "MOVE", new MoveHandler());
        add("UID MOVE", (t, r) -> MoveCommand.parse(t, true, r), SEL, EXPUNGE, "", new MoveHandler());
        Set<String> caps = new LinkedHashSet<>();
        for (Row row : rows.values()) {
            for (String c : row.entry().capability().split(" ")) {
                if (!c.isEmpty()) {
                    caps.add(c);
                }
            }
        }
        capabilities = Collections.unmodifiableList(new ArrayList<>(caps));
    }

    private void add(String name, CommandParser parser, Set<SessionState> states, boolean mayExpunge, String capability,
            CommandHandler<?> handler) {
        put(new Commands.Entry(name, Set.copyOf(states), mayExpunge, capability, handler, null), parser);
    }

    private void addStreaming(String name, CommandParser parser, Set<SessionState> states, String capability,
            StreamingHandler handler) {
        // Its completion may show EXPUNGE: a streaming command names no message by sequence number.
        put(new Commands.Entry(name, Set.copyOf(states), true, capability, null, handler), parser);
    }

    private void put(Commands.Entry entry, CommandParser parser) {
        if (rows.putIfAbsent(entry.name(), new Row(entry, parser)) != null) {
            throw new IllegalStateException("command registered twice: " + entry.name());
        }
    }

    @Override
    public Commands.Entry entry(String name) {
        Row row = rows.get(name);
        return row == null ? null : row.entry();
    }

    @Override
    public CommandSyntax syntax() {
        return this;
    }

    @Override
    public List<String> capabilities() {
        return capabilities;
    }

    @Override
    public CommandParser parser(String name) {
        Row row = rows.get(name);
        return row == null ? null : row.parser();
    }

    @Override
    public boolean streamsLiteral(String name) {
        Row row = rows.get(name);
        return row != null && row.entry().streaming() != null;
    }

    /** Every registered name, in the table's order. */
    public Set<String> names() {
        return Collections.unmodifiableSet(rows.keySet());
    }
}
