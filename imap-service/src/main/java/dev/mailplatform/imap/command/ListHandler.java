package dev.mailplatform.imap.command;

import dev.mailplatform.imap.protocol.ResponseWriter;
import dev.mailplatform.imap.protocol.command.ListCommand;
import dev.mailplatform.imap.session.CommandHandler;
import dev.mailplatform.imap.session.ImapException;
import dev.mailplatform.imap.session.ImapSession;
import dev.mailplatform.imap.session.Reply;
import dev.mailplatform.store.v1.ListMailboxesRequest;
import dev.mailplatform.store.v1.MailboxInfo;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * LIST and LSUB with CHILDREN (RFC 3348) and SPECIAL-USE (RFC 6154) attributes, and the RFC 5258 selection options
 * SUBSCRIBED, REMOTE (no remote mailboxes here) and SPECIAL-USE, and return options SUBSCRIBED, CHILDREN and
 * SPECIAL-USE. Any other option is answered BAD, never ignored. The account's whole mailbox list is one store call.
 *
 * <p>Matching and encoding run on a worker thread, not the session's event loop: their cost grows with the number
 * of mailboxes, the length of their names and the length of the client's pattern.
 */
public final class ListHandler implements CommandHandler<ListCommand> {

    private static final Set<String> SELECT_OPTIONS = Set.of("SUBSCRIBED", "REMOTE", "SPECIAL-USE");
    private static final Set<String> RETURN_OPTIONS = Set.of("SUBSCRIBED", "CHILDREN", "SPECIAL-USE");

    /**
     * RFC 3501 §6.3.9: when "%" stops short of a subscribed mailbox, LSUB returns the parent it matches, as
     * \Noselect unless it is listed in its own right. Cost: the name's levels, each matched once.
     */
    private static void matchingParents(MailboxPattern pattern, String name, Set<String> out) {
        for (int i = name.indexOf(MailboxNames.DELIMITER); i > 0; i = name.indexOf(MailboxNames.DELIMITER, i + 1)) {
            String parent = name.substring(0, i);
            if (pattern.matches(parent)) {
                out.add(parent);
            }
        }
    }

    @Override
    public Uni<Reply> handle(ImapSession session, ListCommand command) {
        String verb = command.lsub() ? "LSUB" : "LIST";
        for (String o : command.selectOptions()) {
            if (!SELECT_OPTIONS.contains(o)) {
                throw ImapException.bad("Unsupported LIST selection option " + o);
            }
        }
        for (String o : command.returnOptions()) {
            if (!RETURN_OPTIONS.contains(o)) {
                throw ImapException.bad("Unsupported LIST return option " + o);
            }
        }
        boolean subscribedOnly = command.selectOptions().contains("SUBSCRIBED");
        boolean specialUseOnly = command.selectOptions().contains("SPECIAL-USE");
        boolean showSubscribed = subscribedOnly || command.returnOptions().contains("SUBSCRIBED");
        if (!command.lsub() && command.pattern().isEmpty()) {
            // RFC 3501: an empty pattern asks for the delimiter and the root of the reference.
            session.send(new ResponseWriter().untagged().raw("LIST (\\Noselect) \"/\" \"\"").crlf());
            return Uni.createFrom().item(Reply.ok("LIST completed"));
        }
        MailboxPattern pattern = MailboxNames.pattern(command.reference(), command.pattern());
        return session.services().store().mailboxes().listMailboxes(ListMailboxesRequest.newBuilder()
                .setAccountId(session.accountId()).build())
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .map(r -> {
                    ResponseWriter w = new ResponseWriter();
                    Set<String> shown = new HashSet<>();
                    Set<String> noselectParents = new LinkedHashSet<>();
                    for (MailboxInfo m : r.getMailboxesList()) {
                        boolean listed = command.lsub() || subscribedOnly ? m.getSubscribed() : !m.getNonexistent();
                        if (!listed || specialUseOnly && m.getSpecialUse().isEmpty()) {
                            continue;
                        }
                        if (!pattern.matches(m.getName())) {
                            if (command.lsub()) {
                                matchingParents(pattern, m.getName(), noselectParents);
                            }
                            continue;
                        }
                        shown.add(m.getName());
                        List<String> attributes = new ArrayList<>(4);
                        if (m.getNonexistent()) {
                            // RFC 5258: \NonExistent implies \Noselect; LSUB knows only the latter.
                            attributes.add(command.lsub() ? "\\Noselect" : "\\NonExistent");
                        } else {
                            attributes.add(m.getHasChildren() ? "\\HasChildren" : "\\HasNoChildren");
                            if (!m.getSpecialUse().isEmpty()) {
                                attributes.add(m.getSpecialUse());
                            }
                        }
                        if (showSubscribed && !command.lsub() && m.getSubscribed()) {
                            attributes.add("\\Subscribed");
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
                    for (String parent : noselectParents) {
                        if (!shown.contains(parent)) {
                            w.untagged().atom("LSUB").sp().raw("(\\Noselect)").sp().string("/").sp().mailbox(parent)
                                    .crlf();
                        }
                    }
                    return w;
                })
                .emitOn(session.executor())
                .map(w -> {
                    session.send(w);
                    return Reply.ok(verb + " completed");
                });
    }
}
