package dev.mailplatform.imap.command;

import dev.mailplatform.imap.protocol.ResponseWriter;
import dev.mailplatform.imap.protocol.command.GetQuotaCommand;
import dev.mailplatform.imap.session.CommandHandler;
import dev.mailplatform.imap.session.ImapSession;
import dev.mailplatform.imap.session.Reply;
import dev.mailplatform.store.v1.GetQuotaRequest;
import io.smallrye.mutiny.Uni;

/** GETQUOTA root. */
public final class GetQuotaHandler implements CommandHandler<GetQuotaCommand> {

    @Override
    public Uni<Reply> handle(ImapSession session, GetQuotaCommand command) {
        return session.services().store().quotas().getQuota(GetQuotaRequest.newBuilder()
                .setAccountId(session.accountId()).setRoot(command.root()).build())
                .emitOn(session.executor())
                .map(q -> {
                    ResponseWriter w = new ResponseWriter();
                    QuotaResources.write(w, q);
                    session.send(w);
                    return Reply.ok("GETQUOTA completed");
                });
    }
}
