package dev.mailplatform.imap.protocol;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The untagged responses that tell a client how its selected mailbox changed (RFC 3501 §7.3.1 EXISTS, §7.3.2
 * RECENT, §7.4.1 EXPUNGE, §7.4.2 FETCH FLAGS). SELECT, the change sync, STORE and the expunging commands all write
 * them here, so a change to their form (QRESYNC's VANISHED, CONDSTORE's MODSEQ) is made once.
 */
public final class MailboxUpdates {

    private MailboxUpdates() {
    }

    /**
     * {@code * FLAGS (...)} and {@code * OK [PERMANENTFLAGS (...)]}: the system flags and the keywords in use, sent at
     * SELECT and again before any FETCH shows a keyword the client has not been told of (RFC 3501 §7.2.6). A
     * read-only mailbox has no permanent flags.
     */
    public static ResponseWriter flags(ResponseWriter w, Collection<String> systemFlags, Collection<String> keywords,
            boolean readOnly) {
        List<String> flags = new ArrayList<>(systemFlags.size() + keywords.size());
        flags.addAll(systemFlags);
        flags.addAll(keywords);
        w.untagged().atom("FLAGS").sp().flags(flags).crlf();
        List<String> permanent = new ArrayList<>(flags.size() + 1);
        if (!readOnly) {
            permanent.addAll(flags);
            permanent.add("\\*");
        }
        return w.untagged().atom("OK").sp().raw("[PERMANENTFLAGS ").flags(permanent).raw("] ")
                .raw(readOnly ? "Read-only mailbox" : "Flags permitted").crlf();
    }

    /**
     * RFC 7162 §3.2.10 {@code * VANISHED [(EARLIER)] uid-set}: live (the messages leave the view, as EXPUNGE) or
     * EARLIER (messages the client may have cached, expunged before; the view does not hold them).
     */
    public static ResponseWriter vanished(ResponseWriter w, long[] uids, boolean earlier) {
        w.untagged().atom("VANISHED").sp();
        if (earlier) {
            w.raw("(EARLIER) ");
        }
        return w.raw(SequenceSet.of(uids).toString()).crlf();
    }

    /** {@code * n EXPUNGE}: {@code seq} is the message's sequence number at this moment. */
    public static ResponseWriter expunge(ResponseWriter w, int seq) {
        return w.untagged().number(seq).sp().atom("EXPUNGE").crlf();
    }

    /** {@code * n EXISTS} and {@code * r RECENT} (r: the messages that are \Recent for this session). */
    public static ResponseWriter exists(ResponseWriter w, int count, int recent) {
        w.untagged().number(count).sp().atom("EXISTS").crlf();
        return w.untagged().number(recent).sp().atom("RECENT").crlf();
    }

    /**
     * Another session changed a message's flags: {@code * n FETCH (UID u FLAGS (...))}, and {@code MODSEQ (m)} once
     * CONDSTORE is enabled ({@code modseq} > 0; RFC 7162 §3.1.4 asks it in every unsolicited FETCH).
     */
    public static ResponseWriter flagsChanged(ResponseWriter w, int seq, int uid, Collection<String> flags,
            long modseq) {
        w.untagged().number(seq).sp().atom("FETCH").sp().open().atom("UID").sp()
                .number(Integer.toUnsignedLong(uid)).sp().atom("FLAGS").sp().flags(flags);
        if (modseq > 0) {
            w.sp().atom("MODSEQ").sp().open().number(modseq).close();
        }
        return w.close().crlf();
    }

    /**
     * This session's STORE: {@code * n FETCH (FLAGS (...))}, with {@code UID u} after the flags for UID STORE
     * (RFC 3501 §6.4.8: a UID command's FETCH responses include the UID). Once CONDSTORE is enabled
     * ({@code modseq} > 0) UID and {@code MODSEQ (m)} always, and for .SILENT ({@code flags} null) only those
     * (RFC 7162 §3.1.3, §3.1.4).
     */
    public static ResponseWriter flagsStored(ResponseWriter w, int seq, Collection<String> flags, boolean withUid,
            int uid, long modseq) {
        w.untagged().number(seq).sp().atom("FETCH").sp().open();
        boolean first = true;
        if (flags != null) {
            w.atom("FLAGS").sp().flags(flags);
            first = false;
        }
        if (withUid || modseq > 0) {
            if (!first) {
                w.sp();
            }
            w.atom("UID").sp().number(Integer.toUnsignedLong(uid));
        }
        if (modseq > 0) {
            w.sp().atom("MODSEQ").sp().open().number(modseq).close();
        }
        return w.close().crlf();
    }

    /** {@code * OK [HIGHESTMODSEQ n]} (RFC 7162 §3.1.2.1), sent by every SELECT and EXAMINE. */
    public static ResponseWriter highestModseq(ResponseWriter w, long modseq) {
        return w.statusResponse("*", "OK", "HIGHESTMODSEQ " + modseq, "Highest");
    }
}
