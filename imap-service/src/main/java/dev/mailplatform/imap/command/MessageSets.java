package dev.mailplatform.imap.command;

import dev.mailplatform.imap.protocol.SequenceSet;
import dev.mailplatform.imap.session.SelectedMailbox;
import dev.mailplatform.store.v1.UidMapping;
import dev.mailplatform.store.v1.UidSet;
import java.util.ArrayList;
import java.util.List;

/** Turns the client's sequence or UID sets into the store's UID sets, and store UID mappings into COPYUID. */
final class MessageSets {

    private MessageSets() {
    }

    /** {@code $} names the saved result's UIDs whether the command counts in UIDs or sequence numbers (RFC 5182). */
    static UidSet resolve(SelectedMailbox s, SequenceSet set, boolean uid) {
        if (set.saved()) {
            return s.savedUids();
        }
        List<long[]> ranges = new ArrayList<>();
        for (SequenceSet.Range r : set.ranges()) {
            ranges.add(new long[] {r.from(), r.to()});
        }
        return uid ? s.uidsToUids(ranges) : s.seqsToUids(ranges);
    }

    /** The COPYUID response code (RFC 4315): source and destination sets in corresponding order. */
    static String copyUid(int uidvalidity, List<UidMapping> mappings) {
        StringBuilder src = new StringBuilder();
        StringBuilder dst = new StringBuilder();
        int i = 0;
        while (i < mappings.size()) {
            int j = i;
            while (j + 1 < mappings.size()
                    && mappings.get(j + 1).getSourceUid() == mappings.get(j).getSourceUid() + 1
                    && mappings.get(j + 1).getDestinationUid() == mappings.get(j).getDestinationUid() + 1) {
                j++;
            }
            run(src, mappings.get(i).getSourceUid(), mappings.get(j).getSourceUid());
            run(dst, mappings.get(i).getDestinationUid(), mappings.get(j).getDestinationUid());
            i = j + 1;
        }
        return "COPYUID " + Integer.toUnsignedLong(uidvalidity) + " " + src + " " + dst;
    }

    private static void run(StringBuilder sb, int from, int to) {
        if (sb.length() > 0) {
            sb.append(',');
        }
        sb.append(Integer.toUnsignedLong(from));
        if (to != from) {
            sb.append(':').append(Integer.toUnsignedLong(to));
        }
    }
}
