package dev.mailplatform.imap.command;

import dev.mailplatform.imap.protocol.ResponseWriter;
import dev.mailplatform.imap.protocol.SearchReturn;
import dev.mailplatform.imap.protocol.SearchReturn.Option;
import java.util.ArrayList;
import java.util.List;

/**
 * The result options of one search, filled match by match: COUNT, MIN and MAX (true minimum and maximum, so a SORT
 * in any order can use it too), ALL as a set compressed while it grows (runs that go up by one), and the UIDs SAVE
 * keeps. Memory is the size of the answer, never a list of every match.
 */
final class SearchResults {

    private final SearchReturn returns;
    private long count;
    private long min = Long.MAX_VALUE;
    private long max = Long.MIN_VALUE;
    private long minUid;
    private long maxUid;
    private final StringBuilder all = new StringBuilder();
    private long runStart = -1;
    private long runEnd = -1;
    /** SAVE's UID ranges; a run grows while the matches are neighbours in the view (the UIDs between are gone). */
    private final List<long[]> saved = new ArrayList<>();
    private long lastSeq = -1;
    private long highestModseq;

    SearchResults(SearchReturn returns) {
        this.returns = returns;
    }

    /**
     * One match: {@code n} is what the client counts in (UID or sequence number), {@code seq} and {@code uid} the
     * message's place in the view.
     */
    void add(long n, int seq, long uid) {
        count++;
        if (n < min) {
            min = n;
            minUid = uid;
        }
        if (n > max) {
            max = n;
            maxUid = uid;
        }
        if (returns.has(Option.ALL)) {
            if (runStart >= 0 && n == runEnd + 1) {
                runEnd = n;
            } else {
                flushRun();
                runStart = n;
                runEnd = n;
            }
        }
        if (returns.has(Option.SAVE) && returns.savesAll()) {
            long[] last = saved.isEmpty() ? null : saved.get(saved.size() - 1);
            if (last != null && seq == lastSeq + 1 && uid > last[1]) {
                last[1] = uid;
            } else {
                saved.add(new long[] {uid, uid});
            }
            lastSeq = seq;
        }
    }

    void modseq(long modseq) {
        highestModseq = Math.max(highestModseq, modseq);
    }

    private void flushRun() {
        if (runStart < 0) {
            return;
        }
        if (all.length() > 0) {
            all.append(',');
        }
        all.append(runStart);
        if (runEnd != runStart) {
            all.append(':').append(runEnd);
        }
    }

    /** What {@code $} becomes (RFC 5182 §2.1): the whole result, or only the messages MIN and MAX named. */
    List<long[]> saved() {
        if (returns.savesAll() || count == 0) {
            return saved;
        }
        List<long[]> out = new ArrayList<>(2);
        long first = returns.has(Option.MIN) ? minUid : maxUid;
        long second = returns.has(Option.MAX) ? maxUid : minUid;
        out.add(new long[] {first, first});
        if (second != first) {
            out.add(new long[] {second, second});
        }
        return out;
    }

    /**
     * {@code * ESEARCH (TAG "t") [UID] [MIN n] [MAX n] [COUNT n] [ALL set] [MODSEQ m]} (RFC 4731); MIN, MAX and ALL
     * only when something matched, MODSEQ (RFC 7162 §3.1.5) when asked for and something matched.
     */
    ResponseWriter esearch(String tag, boolean uid, boolean withModseq) {
        ResponseWriter w = new ResponseWriter().untagged().atom("ESEARCH").sp().open().atom("TAG").sp().string(tag)
                .close();
        if (uid) {
            w.sp().atom("UID");
        }
        if (count > 0 && returns.has(Option.MIN)) {
            w.sp().atom("MIN").sp().number(min);
        }
        if (count > 0 && returns.has(Option.MAX)) {
            w.sp().atom("MAX").sp().number(max);
        }
        if (returns.has(Option.COUNT)) {
            w.sp().atom("COUNT").sp().number(count);
        }
        if (count > 0 && returns.has(Option.ALL)) {
            flushRun();
            runStart = -1;
            w.sp().atom("ALL").sp().raw(all.toString());
        }
        if (withModseq && count > 0 && highestModseq > 0) {
            w.sp().atom("MODSEQ").sp().number(highestModseq);
        }
        return w.crlf();
    }
}
