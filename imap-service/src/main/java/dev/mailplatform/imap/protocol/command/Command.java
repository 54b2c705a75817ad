package dev.mailplatform.imap.protocol.command;

/** A complete client command other than APPEND (which the parser streams as events). */
public sealed interface Command permits CapabilityCommand, NoopCommand, LogoutCommand, StartTlsCommand, CheckCommand,
        CloseCommand, UnselectCommand, NamespaceCommand, IdleCommand, ExpungeCommand, LoginCommand,
        AuthenticateCommand, SelectCommand, CreateCommand, DeleteCommand, RenameCommand, SubscribeCommand,
        UnsubscribeCommand, ListCommand, StatusCommand, SearchCommand, FetchCommand, StoreCommand, CopyCommand,
        MoveCommand, EnableCommand, IdCommand, GetQuotaCommand, GetQuotaRootCommand, SetQuotaCommand {

    String tag();

    /** Canonical upper-case command name, {@code "UID FETCH"} for the UID forms. */
    String name();
}
