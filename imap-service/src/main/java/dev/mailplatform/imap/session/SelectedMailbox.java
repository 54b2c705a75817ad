package dev.mailplatform.imap.session;

import dev.mailplatform.store.v1.MailboxRef;
import dev.mailplatform.store.v1.UidRange;
import dev.mailplatform.store.v1.UidSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The session's view of its selected mailbox: the UID of each sequence number (RFC 3501 §2.3.1.2), kept in one
 * sorted int array, and how far this view has caught up with the store (its modseq). Sequence numbers never leave
 * this class towards the store.
 */
public final class SelectedMailbox {

    private final long accountId;
    private final long mailboxId;
    private String name;
    private final int uidvalidity;
    private final boolean readOnly;
    private int[] uids = new int[16];
    private int count;
    private long highestModseq;
    /** Set when the store may hold changes this view has not shown yet, whatever the Watch events say. */
    private boolean dirty;
    /**
     * The highest modseq a Watch event named for this mailbox: while it is above the view's, the store holds changes
     * the view has not shown. Kept apart from {@link #dirty} so that an event of this session's own change, which
     * may come before or after the change's reply, is settled by the reply ({@link MailboxSync#ownChange}).
     */
    private long eventModseq;
    /** Flag states this session already told the client about (its own STORE), so a sync does not repeat them. */
    private final Map<Integer, Long> reported = new HashMap<>();
    /**
     * The keywords the client was told of in FLAGS (RFC 3501 §7.2.6), case-insensitive like flags. Bounded: past
     * {@link #MAX_KEYWORDS} new ones are no longer announced (PERMANENTFLAGS has \* so clients still accept them).
     */
    private final Set<String> keywords = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    static final int MAX_KEYWORDS = 1000;
    /**
     * The UIDs that are \Recent for this session (RFC 3501 §2.3.2): claimed by its SELECT and its syncs, ascending,
     * disjoint, inclusive. Claims only grow, so ranges are appended; bounded, the oldest kept.
     */
    private final List<long[]> recent = new ArrayList<>();
    static final int MAX_RECENT_RANGES = 10_000;
    /**
     * RFC 5182's {@code $}: the UID ranges the last {@code SEARCH RETURN (SAVE)} kept, ascending and disjoint. It
     * lives and dies with the selection, as the RFC asks; expunged UIDs may stay in a range, since UIDs are never
     * used again and every use is limited to the messages that exist.
     */
    private List<long[]> saved = List.of();

    public SelectedMailbox(long accountId, long mailboxId, String name, int uidvalidity, boolean readOnly) {
        this.accountId = accountId;
        this.mailboxId = mailboxId;
        this.name = name;
        this.uidvalidity = uidvalidity;
        this.readOnly = readOnly;
    }

    public MailboxRef ref() {
        return MailboxRef.newBuilder().setAccountId(accountId).setMailbox(name).setExpectedUidvalidity(uidvalidity)
                .build();
    }

    public long mailboxId() {
        return mailboxId;
    }

    public String name() {
        return name;
    }

    /**
     * This session renamed the mailbox (or a parent of it): the same mailbox, same UIDVALIDITY, under its new name.
     * The store is addressed by name, so without this every later command would find no such mailbox.
     */
    public void renamed(String newName) {
        name = newName;
    }

    public int uidvalidity() {
        return uidvalidity;
    }

    public boolean readOnly() {
        return readOnly;
    }

    /**
     * Records keywords about to be shown; true when any was not announced yet, and FLAGS must be sent again first.
     * System flags (leading backslash) are ignored.
     */
    public boolean learnKeywords(Collection<String> flags) {
        boolean added = false;
        for (String f : flags) {
            if (!f.startsWith("\\") && keywords.size() < MAX_KEYWORDS) {
                added |= keywords.add(f);
            }
        }
        return added;
    }

    /** The keywords announced so far, in FLAGS order. */
    public List<String> keywords() {
        return new ArrayList<>(keywords);
    }

    /** UIDs {@code from..through} are \Recent for this session (nothing when from > through). */
    public void addRecent(long from, long through) {
        if (from > through || from < 1) {
            return;
        }
        if (!recent.isEmpty()) {
            long[] last = recent.get(recent.size() - 1);
            if (from <= last[1] + 1) {
                last[1] = Math.max(last[1], through);
                return;
            }
        }
        if (recent.size() < MAX_RECENT_RANGES) {
            recent.add(new long[] {from, through});
        }
    }

    public boolean isRecent(int uid) {
        return contains(recent, Integer.toUnsignedLong(uid));
    }

    /** Keeps UID ranges (ascending, disjoint, inclusive) as the saved search result {@code $}. */
    public void saveResult(List<long[]> uidRanges) {
        saved = List.copyOf(uidRanges);
    }

    /** {@code $} as the UIDs of this view it names (RFC 5182): empty until a SEARCH saved a result. */
    public UidSet savedUids() {
        return uidsToUids(saved);
    }

    public boolean savedContains(long uid) {
        return contains(saved, uid);
    }

    /** Binary search over ascending, disjoint, inclusive ranges. */
    private static boolean contains(List<long[]> ranges, long u) {
        int lo = 0;
        int hi = ranges.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long[] r = ranges.get(mid);
            if (u < r[0]) {
                hi = mid - 1;
            } else if (u > r[1]) {
                lo = mid + 1;
            } else {
                return true;
            }
        }
        return false;
    }

    /** How many messages of this view are \Recent for this session (the {@code * n RECENT} count). */
    public int recentCount() {
        int total = 0;
        for (long[] r : recent) {
            int first = firstSeqAtOrAbove(r[0]);
            if (first > 0) {
                total += seqAfter(r[1]) - first;
            }
        }
        return total;
    }

    /** This session's \Recent UIDs, for SEARCH RECENT, NEW and OLD. */
    public UidSet recentUids() {
        UidSet.Builder b = UidSet.newBuilder();
        for (long[] r : recent) {
            b.addRanges(UidRange.newBuilder().setFirst((int) r[0]).setLast((int) r[1]));
        }
        return b.build();
    }

    public int exists() {
        return count;
    }

    public long highestModseq() {
        return highestModseq;
    }

    public void highestModseq(long modseq) {
        highestModseq = Math.max(highestModseq, modseq);
    }

    public boolean dirty() {
        return dirty || eventModseq > highestModseq;
    }

    public void markDirty() {
        dirty = true;
    }

    /**
     * This session's own change, already applied to this view, took the mailbox from {@code previous} to
     * {@code after} ({@link MailboxSync#ownChange}): when {@code previous} is this view's modseq the view moves to
     * {@code after}, and stays stale only for an event newer than that or a reason of its own. Else it is marked
     * stale. Returns whether it moved.
     */
    boolean ownChange(long previous, long after) {
        // One change takes one modseq (none when it changed nothing): a MOVE into this mailbox takes two, and its
        // copies are not in the view.
        if (previous != highestModseq || after < previous || after - previous > 1) {
            dirty = true;
            return false;
        }
        highestModseq = after;
        // Every state the client was told of is at or below the view's modseq now: no sync will bring it back.
        reported.clear();
        return true;
    }

    /** A Watch event: the mailbox's highest modseq is {@code modseq} now. */
    void changedTo(long modseq) {
        eventModseq = Math.max(eventModseq, modseq);
    }

    long eventModseq() {
        return eventModseq;
    }

    /**
     * A sync that began when the events stood at {@code eventsBefore} succeeded: it read the store after those events
     * were sent, so it covered them (even were the view's modseq below one of them, which would else sync forever).
     */
    void eventsCovered(long eventsBefore) {
        if (eventModseq <= eventsBefore) {
            eventModseq = 0;
        }
    }

    public void clearDirty() {
        dirty = false;
    }

    public int lastUid() {
        return count == 0 ? 0 : uids[count - 1];
    }

    /** Appends a UID above every known one; returns false (and ignores it) otherwise. */
    public boolean add(int uid) {
        if (count > 0 && Integer.compareUnsigned(uid, uids[count - 1]) <= 0) {
            return false;
        }
        if (count == uids.length) {
            uids = Arrays.copyOf(uids, uids.length * 2);
        }
        uids[count++] = uid;
        return true;
    }

    /** The sequence number of a UID, or 0 when this view does not hold it. */
    public int seqOf(int uid) {
        int lo = 0;
        int hi = count - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = Integer.compareUnsigned(uids[mid], uid);
            if (c == 0) {
                return mid + 1;
            }
            if (c < 0) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return 0;
    }

    public int uidAt(int seq) {
        return uids[seq - 1];
    }

    /** Removes a UID; returns its sequence number before removal, or 0 when unknown. */
    public int remove(int uid) {
        int seq = seqOf(uid);
        if (seq > 0) {
            System.arraycopy(uids, seq, uids, seq - 1, count - seq);
            count--;
            reported.remove(uid);
        }
        return seq;
    }

    public void reported(int uid, long modseq) {
        reported.merge(uid, modseq, Math::max);
    }

    /** Whether the client has already been told of this state (or a newer one) of the message. */
    public boolean alreadyReported(int uid, long modseq) {
        Long seen = reported.get(uid);
        return seen != null && seen >= modseq;
    }

    public void clearReported() {
        reported.clear();
    }

    /** The lowest sequence number whose UID is at least {@code uid}, or 0. */
    int firstSeqAtOrAbove(long uid) {
        int lo = 0;
        int hi = count;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (Integer.toUnsignedLong(uids[mid]) < uid) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo < count ? lo + 1 : 0;
    }

    /** The sequence number after the last message whose UID is at most {@code uid} (count + 1 past the end). */
    private int seqAfter(long uid) {
        int after = firstSeqAtOrAbove(uid + 1);
        return after == 0 ? count + 1 : after;
    }

    /** The sequence numbers of this view's messages that the UID set names, ascending, each once. */
    public int[] seqsIn(UidSet set) {
        java.util.BitSet seqs = new java.util.BitSet(count + 1);
        for (int i = 0; i < set.getRangesCount(); i++) {
            long a = Integer.toUnsignedLong(set.getRanges(i).getFirst());
            long b = Integer.toUnsignedLong(set.getRanges(i).getLast());
            int first = firstSeqAtOrAbove(Math.min(a, b));
            if (first > 0) {
                seqs.set(first, seqAfter(Math.max(a, b)));
            }
        }
        return seqs.stream().toArray();
    }

    /** How many messages of this view the UID set names (overlapping ranges counted once). */
    public int countIn(UidSet set) {
        long[][] ranges = new long[set.getRangesCount()][];
        for (int i = 0; i < ranges.length; i++) {
            long a = Integer.toUnsignedLong(set.getRanges(i).getFirst());
            long b = Integer.toUnsignedLong(set.getRanges(i).getLast());
            ranges[i] = new long[] {Math.min(a, b), Math.max(a, b)};
        }
        Arrays.sort(ranges, (x, y) -> Long.compare(x[0], y[0]));
        int total = 0;
        long covered = -1; // highest UID already counted
        for (long[] r : ranges) {
            long lo = Math.max(r[0], covered + 1);
            if (lo > r[1]) {
                continue;
            }
            int first = firstSeqAtOrAbove(lo);
            if (first > 0) {
                total += seqAfter(r[1]) - first;
            }
            covered = r[1];
        }
        return total;
    }

    /**
     * Message sequence ranges (1-based, inclusive, {@code *} as Long.MAX_VALUE) as the UID set of the messages
     * they name. A number beyond the mailbox is the client's error (BAD), and so is any sequence number, {@code *}
     * included, when the mailbox is empty (RFC 3501 §9, seq-number; Dovecot: "Invalid messageset").
     */
    public UidSet seqsToUids(Iterable<long[]> ranges) {
        UidSet.Builder set = UidSet.newBuilder();
        for (long[] r : ranges) {
            long a = r[0] == Long.MAX_VALUE ? count : r[0];
            long b = r[1] == Long.MAX_VALUE ? count : r[1];
            if (count == 0) {
                throw ImapException.bad("Invalid message sequence number: the mailbox is empty");
            }
            long lo = Math.min(a, b);
            long hi = Math.max(a, b);
            if (hi > count || lo < 1) {
                throw ImapException.bad("Invalid message sequence number " + (hi > count ? hi : lo) + " (the mailbox has "
                        + count + " messages)");
            }
            // UIDs between two known ones belong to known messages or to expunged ones: the range is exact.
            set.addRanges(UidRange.newBuilder().setFirst(uids[(int) lo - 1]).setLast(uids[(int) hi - 1]));
        }
        return set.build();
    }

    /** UID ranges ({@code *} is the highest UID this view holds), limited to what the view holds. */
    public UidSet uidsToUids(Iterable<long[]> ranges) {
        UidSet.Builder set = UidSet.newBuilder();
        long last = Integer.toUnsignedLong(lastUid());
        for (long[] r : ranges) {
            long a = r[0] == Long.MAX_VALUE ? last : r[0];
            long b = r[1] == Long.MAX_VALUE ? last : r[1];
            long lo = Math.min(a, b);
            long hi = Math.min(Math.max(a, b), last);
            if (count == 0 || lo > hi) {
                continue;
            }
            set.addRanges(UidRange.newBuilder().setFirst((int) lo).setLast((int) hi));
        }
        return set.build();
    }
}
