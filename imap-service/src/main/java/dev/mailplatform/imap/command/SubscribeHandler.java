package dev.mailplatform.imap.command;

import dev.mailplatform.imap.protocol.command.Command;
import dev.mailplatform.imap.protocol.command.SubscribeCommand;
import dev.mailplatform.imap.protocol.command.UnsubscribeCommand;
import dev.mailplatform.imap.session.CommandHandler;
import dev.mailplatform.imap.session.ImapSession;
import dev.mailplatform.imap.session.Reply;
import dev.mailplatform.store.v1.SubscriptionRequest;
import io.smallrye.mutiny.Uni;

/** SUBSCRIBE and UNSUBSCRIBE: the subscription list lives in the store, so every device sees the same. */
public final class SubscribeHandler implements CommandHandler<Command> {

    @Override
    public Uni<Reply> handle(ImapSession session, Command command) {
        boolean subscribe = command instanceof SubscribeCommand;
        String raw = subscribe ? ((SubscribeCommand) command).mailbox() : ((UnsubscribeCommand) command).mailbox();
        SubscriptionRequest request = SubscriptionRequest.newBuilder().setAccountId(session.accountId())
                .setName(MailboxNames.normalize(raw)).build();
        var store = session.services().store().mailboxes();
        return (subscribe ? store.subscribe(request) : store.unsubscribe(request))
                .map(e -> Reply.ok(command.name() + " completed"));
    }
}
