package dev.mailplatform.imap.protocol;

import dev.mailplatform.imap.protocol.command.AuthenticateCommand;
import dev.mailplatform.imap.protocol.command.CapabilityCommand;
import dev.mailplatform.imap.protocol.command.CheckCommand;
import dev.mailplatform.imap.protocol.command.CloseCommand;
import dev.mailplatform.imap.protocol.command.Command;
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
import java.util.Map;
import java.util.Set;

/** Command name (upper-case, {@code "UID FETCH"} for UID forms) to the parser of its arguments. */
public final class CommandTable {

    /** Parses the arguments of one command; the reader stands right after the command name. */
    @FunctionalInterface
    public interface CommandParser {
        Command parse(String tag, ArgumentReader args);
    }

    private static final Map<String, CommandParser> PARSERS = Map.ofEntries(
            Map.entry("CAPABILITY", CapabilityCommand::parse),
            Map.entry("NOOP", NoopCommand::parse),
            Map.entry("LOGOUT", LogoutCommand::parse),
            Map.entry("STARTTLS", StartTlsCommand::parse),
            Map.entry("CHECK", CheckCommand::parse),
            Map.entry("CLOSE", CloseCommand::parse),
            Map.entry("UNSELECT", UnselectCommand::parse),
            Map.entry("NAMESPACE", NamespaceCommand::parse),
            Map.entry("IDLE", IdleCommand::parse),
            Map.entry("EXPUNGE", ExpungeCommand::parse),
            Map.entry("UID EXPUNGE", ExpungeCommand::parseUid),
            Map.entry("LOGIN", LoginCommand::parse),
            Map.entry("AUTHENTICATE", AuthenticateCommand::parse),
            Map.entry("SELECT", SelectCommand::parseSelect),
            Map.entry("EXAMINE", SelectCommand::parseExamine),
            Map.entry("CREATE", CreateCommand::parse),
            Map.entry("DELETE", DeleteCommand::parse),
            Map.entry("RENAME", RenameCommand::parse),
            Map.entry("SUBSCRIBE", SubscribeCommand::parse),
            Map.entry("UNSUBSCRIBE", UnsubscribeCommand::parse),
            Map.entry("LIST", ListCommand::parseList),
            Map.entry("LSUB", ListCommand::parseLsub),
            Map.entry("STATUS", StatusCommand::parse),
            Map.entry("SEARCH", (t, r) -> SearchCommand.parse(t, false, r)),
            Map.entry("UID SEARCH", (t, r) -> SearchCommand.parse(t, true, r)),
            Map.entry("FETCH", (t, r) -> FetchCommand.parse(t, false, r)),
            Map.entry("UID FETCH", (t, r) -> FetchCommand.parse(t, true, r)),
            Map.entry("STORE", (t, r) -> StoreCommand.parse(t, false, r)),
            Map.entry("UID STORE", (t, r) -> StoreCommand.parse(t, true, r)),
            Map.entry("COPY", (t, r) -> CopyCommand.parse(t, false, r)),
            Map.entry("UID COPY", (t, r) -> CopyCommand.parse(t, true, r)),
            Map.entry("MOVE", (t, r) -> MoveCommand.parse(t, false, r)),
            Map.entry("UID MOVE", (t, r) -> MoveCommand.parse(t, true, r)),
            Map.entry("ENABLE", EnableCommand::parse),
            Map.entry("ID", IdCommand::parse),
            Map.entry("GETQUOTA", GetQuotaCommand::parse),
            Map.entry("GETQUOTAROOT", GetQuotaRootCommand::parse),
            Map.entry("SETQUOTA", SetQuotaCommand::parse),
            Map.entry("APPEND", (t, r) -> {
                // A complete APPEND line reaches here only when it had no message literal.
                throw new BadSyntaxException("APPEND requires a message literal");
            }));

    private CommandTable() {
    }

    /** The parser for {@code name}, or null for an unknown command. */
    public static CommandParser lookup(String name) {
        return PARSERS.get(name);
    }

    public static Set<String> names() {
        return PARSERS.keySet();
    }
}
