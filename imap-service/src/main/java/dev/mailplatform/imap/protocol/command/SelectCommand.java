package dev.mailplatform.imap.protocol.command;

import dev.mailplatform.imap.protocol.ArgumentReader;
import dev.mailplatform.imap.protocol.BadSyntaxException;
import dev.mailplatform.imap.protocol.SequenceSet;

/**
 * {@code SELECT mailbox} or, with {@code readOnly}, {@code EXAMINE mailbox}, with the RFC 4466 select parameters of
 * RFC 7162: {@code CONDSTORE} and {@code QRESYNC (uidvalidity modseq [known-uids [(seqs uids)]])}.
 *
 * @param qresync null when absent
 */
public record SelectCommand(String tag, String mailbox, boolean readOnly, boolean condstore, Qresync qresync)
        implements Command {

    /**
     * The client's cached state (RFC 7162 §3.2.5).
     *
     * @param knownUids     the UIDs the client knows, null when not given
     * @param matchSeqs     seq-match-data's message numbers, null when not given (parsed; not needed here, since the
     *                      store keeps every expunge)
     * @param matchUids     seq-match-data's UIDs, null when not given
     */
    public record Qresync(long uidvalidity, long modseq, SequenceSet knownUids, SequenceSet matchSeqs,
            SequenceSet matchUids) {
    }

    public SelectCommand(String tag, String mailbox, boolean readOnly) {
        this(tag, mailbox, readOnly, false, null);
    }

    public SelectCommand(String tag, String mailbox, boolean readOnly, boolean condstore) {
        this(tag, mailbox, readOnly, condstore, null);
    }

    public static SelectCommand parseSelect(String tag, ArgumentReader r) {
        return parse(tag, r, false);
    }

    public static SelectCommand parseExamine(String tag, ArgumentReader r) {
        return parse(tag, r, true);
    }

    private static SelectCommand parse(String tag, ArgumentReader r, boolean readOnly) {
        r.sp();
        String mailbox = r.mailbox();
        boolean condstore = false;
        Qresync qresync = null;
        if (r.skip(' ')) {
            r.open();
            do {
                String param = r.keyword();
                if (param.equals("CONDSTORE") && !condstore) {
                    condstore = true;
                } else if (param.equals("QRESYNC") && qresync == null) {
                    r.sp();
                    qresync = qresync(r);
                } else {
                    throw new BadSyntaxException("unsupported SELECT parameter " + param);
                }
            } while (r.skip(' '));
            r.close();
        }
        return new SelectCommand(tag, mailbox, readOnly, condstore, qresync);
    }

    private static Qresync qresync(ArgumentReader r) {
        r.open();
        long uidvalidity = r.nzNumber();
        r.sp();
        long modseq = r.modSequence();
        SequenceSet known = null;
        SequenceSet seqs = null;
        SequenceSet uids = null;
        if (r.skip(' ')) {
            if (!r.peekIs('(')) {
                known = explicit(r.sequenceSet());
                if (known.containsStar()) {
                    throw new BadSyntaxException("known UIDs must not contain *");
                }
            }
            if (known == null || r.skip(' ')) {
                r.open();
                seqs = explicit(r.sequenceSet());
                r.sp();
                uids = explicit(r.sequenceSet());
                r.close();
            }
        }
        r.close();
        return new Qresync(uidvalidity, modseq, known, seqs, uids);
    }

    /** SELECT resets the saved search result (RFC 5182 §2.1), so {@code $} names nothing a QRESYNC could use. */
    private static SequenceSet explicit(SequenceSet set) {
        if (set.saved()) {
            throw new BadSyntaxException("$ cannot be used in QRESYNC parameters");
        }
        return set;
    }

    @Override
    public String name() {
        return readOnly ? "EXAMINE" : "SELECT";
    }
}
