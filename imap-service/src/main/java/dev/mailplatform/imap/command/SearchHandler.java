package dev.mailplatform.imap.command;

import dev.mailplatform.imap.protocol.ResponseWriter;
import dev.mailplatform.imap.protocol.SearchKey;
import dev.mailplatform.imap.protocol.SearchReturn;
import dev.mailplatform.imap.protocol.command.SearchCommand;
import dev.mailplatform.imap.session.CommandHandler;
import dev.mailplatform.imap.session.FlagNames;
import dev.mailplatform.imap.session.ImapException;
import dev.mailplatform.imap.session.ImapSession;
import dev.mailplatform.imap.session.Reply;
import dev.mailplatform.imap.session.SelectedMailbox;
import dev.mailplatform.store.v1.AgeTest;
import dev.mailplatform.store.v1.DateOp;
import dev.mailplatform.store.v1.DateTest;
import dev.mailplatform.store.v1.FlagTest;
import dev.mailplatform.store.v1.HeaderTest;
import dev.mailplatform.store.v1.SearchKeyList;
import dev.mailplatform.store.v1.SearchRequest;
import dev.mailplatform.store.v1.SizeTest;
import dev.mailplatform.store.v1.UidSet;
import io.smallrye.mutiny.Uni;
import java.util.List;
import java.util.Locale;

/**
 * SEARCH and UID SEARCH: the criteria tree goes to the store (PostgreSQL, indexed); sequence numbers are turned into
 * UIDs here and back. Results stream into one untagged line, so a 100k-message result never sits in a list.
 */
public final class SearchHandler implements CommandHandler<SearchCommand> {

    private static final dev.mailplatform.store.v1.SearchKey ALL = dev.mailplatform.store.v1.SearchKey.newBuilder()
            .setAll(true).build();

    @Override
    public Uni<Reply> handle(ImapSession session, SearchCommand command) {
        String charset = command.charset();
        if (charset != null && !charset.equals("UTF-8") && !charset.equals("US-ASCII")) {
            if (command.returns() != null && command.returns().has(SearchReturn.Option.SAVE)) {
                session.selected().saveResult(List.of()); // a failed SEARCH with SAVE empties $ (RFC 5182 §2.1)
            }
            return Uni.createFrom().item(Reply.no("BADCHARSET (US-ASCII UTF-8)", "Unsupported charset " + charset));
        }
        SelectedMailbox s = session.selected();
        boolean modseq = hasModseq(command.key());
        if (modseq) {
            session.mailbox().enableCondstore(); // a CONDSTORE enabling command (RFC 7162 §3.1)
        }
        SearchRequest request = SearchRequest.newBuilder().setMailbox(s.ref())
                .setCriteria(toStore(s, command.key())).build();
        if (command.returns() != null) {
            return esearch(session, command, s, request, modseq);
        }
        boolean[] started = {false};
        long[] found = {0, 0}; // matches shown, highest modseq among them (from the store's last response)
        return session.services().store().messages().search(request).emitOn(session.executor())
                .onItem().invoke(r -> {
                    ResponseWriter w = new ResponseWriter();
                    if (!started[0]) {
                        started[0] = true;
                        w.untagged().atom("SEARCH");
                    }
                    for (int uid : r.getUidsList()) {
                        int seq = s.seqOf(uid);
                        if (seq > 0) { // unknown to this session yet: it learns of it with EXISTS first
                            w.sp().number(command.uid() ? Integer.toUnsignedLong(uid) : seq);
                            found[0]++;
                        }
                    }
                    found[1] = Math.max(found[1], r.getHighestModseq());
                    if (w.size() > 0) {
                        session.send(w);
                    }
                })
                .collect().last()
                .onTermination().invoke((item, failure, cancelled) -> {
                    ResponseWriter end = started[0] ? new ResponseWriter()
                            : new ResponseWriter().untagged().atom("SEARCH");
                    if (failure == null && !cancelled && modseq && found[0] > 0 && found[1] > 0) {
                        // RFC 7162 §3.1.5: the highest mod-sequence of the messages found, when any were.
                        end.sp().open().atom("MODSEQ").sp().number(found[1]).close();
                    }
                    session.send(end.crlf());
                })
                .map(x -> Reply.ok("SEARCH completed"));
    }

    /**
     * SEARCH RETURN (...): the result options (RFC 4731 ESEARCH, RFC 5182 SAVE). SAVE alone answers with no ESEARCH;
     * a failed search with SAVE leaves {@code $} empty, as RFC 5182 §2.1 asks.
     */
    private static Uni<Reply> esearch(ImapSession session, SearchCommand command, SelectedMailbox s,
            SearchRequest request, boolean modseq) {
        SearchReturn returns = command.returns();
        SearchResults results = new SearchResults(returns);
        return session.services().store().messages().search(request).emitOn(session.executor())
                .onItem().invoke(r -> {
                    for (int uid : r.getUidsList()) {
                        int seq = s.seqOf(uid);
                        if (seq == 0) {
                            continue; // unknown to this session yet: it learns of it with EXISTS first
                        }
                        long u = Integer.toUnsignedLong(uid);
                        results.add(command.uid() ? u : seq, seq, u);
                    }
                    results.modseq(r.getHighestModseq());
                })
                .collect().last()
                .onFailure().invoke(() -> {
                    if (returns.has(SearchReturn.Option.SAVE)) {
                        s.saveResult(List.of());
                    }
                })
                .map(x -> {
                    if (returns.has(SearchReturn.Option.SAVE)) {
                        s.saveResult(results.saved());
                    }
                    if (returns.answers()) {
                        session.send(results.esearch(command.tag(), command.uid(), modseq));
                    }
                    return Reply.ok("SEARCH completed");
                });
    }

    /** Whether the criteria use MODSEQ; the tree's depth is bounded by the parser's nesting limit. */
    private static boolean hasModseq(SearchKey key) {
        if (key instanceof SearchKey.ModSeq) {
            return true;
        } else if (key instanceof SearchKey.And and) {
            return and.keys().stream().anyMatch(k -> hasModseq(k));
        } else if (key instanceof SearchKey.Or or) {
            return hasModseq(or.left()) || hasModseq(or.right());
        } else if (key instanceof SearchKey.Not not) {
            return hasModseq(not.key());
        }
        return false;
    }

    static dev.mailplatform.store.v1.SearchKey toStore(SelectedMailbox s, SearchKey key) {
        var b = dev.mailplatform.store.v1.SearchKey.newBuilder();
        if (key instanceof SearchKey.All) {
            return ALL;
        } else if (key instanceof SearchKey.And and) {
            SearchKeyList.Builder list = SearchKeyList.newBuilder();
            for (SearchKey k : and.keys()) {
                list.addKeys(toStore(s, k));
            }
            return b.setAnd(list).build();
        } else if (key instanceof SearchKey.Or or) {
            return b.setOr(SearchKeyList.newBuilder().addKeys(toStore(s, or.left())).addKeys(toStore(s, or.right())))
                    .build();
        } else if (key instanceof SearchKey.Not not) {
            return b.setNot(toStore(s, not.key())).build();
        } else if (key instanceof SearchKey.Flag f) {
            if (f.flag().equalsIgnoreCase("\\Recent")) {
                // \Recent is this session's: its UIDs (RECENT, NEW) or all others (OLD).
                UidSet recent = s.recentUids();
                if (recent.getRangesCount() == 0) {
                    return f.present() ? b.setNot(ALL).build() : ALL;
                }
                var inRecent = dev.mailplatform.store.v1.SearchKey.newBuilder().setUid(recent).build();
                return f.present() ? inRecent : b.setNot(inRecent).build();
            }
            int bit = FlagNames.bit(f.flag());
            FlagTest.Builder t = FlagTest.newBuilder().setAbsent(!f.present());
            if (bit != 0) {
                t.setSystem(bit);
            } else {
                t.addKeywords(f.flag());
            }
            return b.setFlags(t).build();
        } else if (key instanceof SearchKey.Text t) {
            return switch (t.field()) {
                case BODY -> b.setBody(t.value()).build();
                case TEXT -> b.setText(t.value()).build();
                default -> b.setHeader(HeaderTest.newBuilder().setField(t.field().name().toLowerCase(Locale.ROOT))
                        .setValue(t.value())).build();
            };
        } else if (key instanceof SearchKey.Header h) {
            return b.setHeader(HeaderTest.newBuilder().setField(h.name()).setValue(h.value())).build();
        } else if (key instanceof SearchKey.Date d) {
            DateTest test = DateTest.newBuilder().setDate(d.date().toString()).setOp(switch (d.cmp()) {
                case BEFORE -> DateOp.DATE_BEFORE;
                case ON -> DateOp.DATE_ON;
                case SINCE -> DateOp.DATE_SINCE;
            }).build();
            return switch (d.field()) {
                case INTERNAL -> b.setInternalDate(test).build();
                case SENT -> b.setSentDate(test).build();
            };
        } else if (key instanceof SearchKey.Size z) {
            return b.setSize(SizeTest.newBuilder().setLarger(z.larger()).setSize(z.octets())).build();
        } else if (key instanceof SearchKey.Uids u) {
            return b.setUid(MessageSets.resolve(s, u.set(), true)).build();
        } else if (key instanceof SearchKey.Sequence q) {
            return b.setUid(MessageSets.resolve(s, q.set(), false)).build();
        } else if (key instanceof SearchKey.ModSeq m) {
            return b.setModseqAtLeast(m.modseq()).build();
        } else if (key instanceof SearchKey.Age a) {
            return b.setInternalAge(AgeTest.newBuilder().setSeconds(a.seconds()).setOlder(a.older())).build();
        }
        throw ImapException.bad("Unsupported search key");
    }
}
