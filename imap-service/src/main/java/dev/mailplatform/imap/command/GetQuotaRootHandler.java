package dev.mailplatform.imap.command;

import dev.mailplatform.imap.protocol.ResponseWriter;
import dev.mailplatform.imap.protocol.command.GetQuotaRootCommand;
import dev.mailplatform.imap.session.CommandHandler;
import dev.mailplatform.imap.session.ImapSession;
import dev.mailplatform.imap.session.Reply;
import dev.mailplatform.store.v1.GetQuotaRequest;
import dev.mailplatform.store.v1.GetQuotaRootsRequest;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/** GETQUOTAROOT mailbox: the roots, then each root's QUOTA. */
public final class GetQuotaRootHandler implements CommandHandler<GetQuotaRootCommand> {

    @Override
    public Uni<Reply> handle(ImapSession session, GetQuotaRootCommand command) {
        String mailbox = MailboxNames.normalize(command.mailbox());
        var quotas = session.services().store().quotas();
        return quotas.getQuotaRoots(GetQuotaRootsRequest.newBuilder().setAccountId(session.accountId())
                .setMailbox(mailbox).build())
                .chain(roots -> Multi.createFrom().iterable(roots.getRootsList())
                        .onItem().transformToUniAndConcatenate(root -> quotas.getQuota(GetQuotaRequest.newBuilder()
                                .setAccountId(session.accountId()).setRoot(root).build()))
                        .collect().asList()
                        .emitOn(session.executor())
                        .map(list -> {
                            ResponseWriter w = new ResponseWriter().untagged().atom("QUOTAROOT").sp().mailbox(mailbox);
                            roots.getRootsList().forEach(r -> w.sp().astring(r));
                            w.crlf();
                            list.forEach(q -> QuotaResources.write(w, q));
                            session.send(w);
                            return Reply.ok("GETQUOTAROOT completed");
                        }));
    }
}
