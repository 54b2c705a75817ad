package dev.mailplatform.imap.command;

import dev.mailplatform.imap.protocol.ResponseWriter;
import dev.mailplatform.imap.protocol.command.ListCommand;
import dev.mailplatform.imap.session.ImapSession;
import dev.mailplatform.imap.session.Reply;
import dev.mailplatform.store.v1.ListMailboxesRequest;
import dev.mailplatform.store.v1.MailboxInfo;
import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * LIST and LSUB with CHILDREN (RFC 3348) and SPECIAL-USE (RFC 6154) attributes. The account's whole mailbox list is
 * one store call: accounts have tens or hundreds of mailboxes, not millions.
 */
public final class ListHandler implements CommandHandler<ListCommand> {

    @Override
    public Uni<Reply> handle(ImapSession session, ListCommand command) {
        String verb = command.lsub() ? "LSUB" : "LIST";
        if (!command.lsub() && command.pattern().isEmpty()) {
            // RFC 3501: an empty pattern asks for the delimiter and the root of the reference.
            session.send(new ResponseWriter().untagged().raw("LIST (\\Noselect) \"/\" \"\"").crlf());
            return Uni.createFrom().item(Reply.ok("LIST completed"));
        }
        Pattern pattern = MailboxNames.pattern(command.reference(), command.pattern());
        return session.services().store().mailboxes().listMailboxes(ListMailboxesRequest.newBuilder()
                .setAccountId(session.accountId()).build())
                .emitOn(session.executor())
                .map(r -> {
                    ResponseWriter w = new ResponseWriter();
                    for (MailboxInfo m : r.getMailboxesList()) {
                        if (!pattern.matcher(m.getName()).matches()) {
                            continue;
                        }
                        if (command.lsub() ? !m.getSubscribed() : m.getNonexistent()) {
                            continue;
                        }
                        List<String> attributes = new ArrayList<>(3);
                        if (m.getNonexistent()) {
                            attributes.add("\\Noselect");
                        } else {
                            attributes.add(m.getHasChildren() ? "\\HasChildren" : "\\HasNoChildren");
                            if (!m.getSpecialUse().isEmpty()) {
                                attributes.add(m.getSpecialUse());
                            }
                        }
                        w.untagged().atom(verb).sp().open();
                        for (int i = 0; i < attributes.size(); i++) {
                            if (i > 0) {
                                w.sp();
                            }
                            w.atom(attributes.get(i));
                        }
                        w.close().sp().string("/").sp().mailbox(m.getName()).crlf();
                    }
                    session.send(w);
                    return Reply.ok(verb + " completed");
                });
    }
}
