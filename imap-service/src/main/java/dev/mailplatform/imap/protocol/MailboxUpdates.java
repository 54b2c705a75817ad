package dev.mailplatform.imap.protocol;

import java.util.Collection;

/**
 * The untagged responses that tell a client how its selected mailbox changed (RFC 3501 §7.3.1 EXISTS, §7.3.2
 * RECENT, §7.4.1 EXPUNGE, §7.4.2 FETCH FLAGS). SELECT, the change sync, STORE and the expunging commands all write
 * them here, so a change to their form (QRESYNC's VANISHED, CONDSTORE's MODSEQ) is made once.
 */
public final class MailboxUpdates {

    private MailboxUpdates() {
    }

    /** {@code * n EXPUNGE}: {@code seq} is the message's sequence number at this moment. */
    public static ResponseWriter expunge(ResponseWriter w, int seq) {
        return w.untagged().number(seq).sp().atom("EXPUNGE").crlf();
    }

    /** {@code * n EXISTS} and {@code * 0 RECENT}: this server keeps no \Recent, as IMAP4rev2 dropped it. */
    public static ResponseWriter exists(ResponseWriter w, int count) {
        w.untagged().number(count).sp().atom("EXISTS").crlf();
        return w.untagged().number(0).sp().atom("RECENT").crlf();
    }

    /** Another session changed a message's flags: {@code * n FETCH (UID u FLAGS (...))}. */
    public static ResponseWriter flagsChanged(ResponseWriter w, int seq, int uid, Collection<String> flags) {
        return w.untagged().number(seq).sp().atom("FETCH").sp().open().atom("UID").sp()
                .number(Integer.toUnsignedLong(uid)).sp().atom("FLAGS").sp().flags(flags).close().crlf();
    }

    /**
     * This session's STORE: {@code * n FETCH (FLAGS (...))}, with {@code UID u} after the flags for UID STORE
     * (RFC 3501 §6.4.8: a UID command's FETCH responses include the UID).
     */
    public static ResponseWriter flagsStored(ResponseWriter w, int seq, Collection<String> flags, boolean withUid,
            int uid) {
        w.untagged().number(seq).sp().atom("FETCH").sp().open().atom("FLAGS").sp().flags(flags);
        if (withUid) {
            w.sp().atom("UID").sp().number(Integer.toUnsignedLong(uid));
        }
        return w.close().crlf();
    }
}
