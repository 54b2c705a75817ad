package dev.mailplatform.imap.command;

import java.util.HashMap;
import java.util.Map;

/**
 * A LIST/LSUB pattern (RFC 3501 §6.3.8): {@code *} matches any run of characters, {@code %} any run without the
 * hierarchy delimiter, everything else itself.
 *
 * <p>Matching simulates the pattern's automaton on bit sets, one step per character of the name, so one match costs
 * at most name length × (pattern length / 64) word operations, whatever the pattern. Runs of wildcards are collapsed
 * first ({@code %%%} is {@code %}; a run holding a {@code *} is {@code *}). A backtracking matcher, such as the
 * regular expression this replaced, takes exponential time on {@code %%%%%%%%%%x} against a long name that does not
 * match.
 */
public final class MailboxPattern {

    private final int states;
    private final long[] star;
    private final long[] percent;
    /** After a step, wildcard states also enter the next state (a wildcard matches the empty string). */
    private final long[] wild;
    private final Map<Character, long[]> literal = new HashMap<>();
    private final long[] start;
    private final int accept;

    private MailboxPattern(String collapsed) {
        int m = collapsed.length();
        states = m + 1;
        int words = (states + 63) >>> 6;
        star = new long[words];
        percent = new long[words];
        wild = new long[words];
        for (int i = 0; i < m; i++) {
            char c = collapsed.charAt(i);
            if (c == '*') {
                set(star, i);
                set(wild, i);
            } else if (c == '%') {
                set(percent, i);
                set(wild, i);
            } else {
                set(literal.computeIfAbsent(c, k -> new long[words]), i);
            }
        }
        start = new long[words];
        set(start, 0);
        closure(start);
        accept = m;
    }

    /** The pattern of a LIST command: reference and mailbox name joined, wildcards collapsed. */
    public static MailboxPattern of(String pattern) {
        StringBuilder b = new StringBuilder(pattern.length());
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '*' || c == '%') {
                int j = i;
                boolean anyStar = false;
                while (j < pattern.length() && (pattern.charAt(j) == '*' || pattern.charAt(j) == '%')) {
                    anyStar |= pattern.charAt(j) == '*';
                    j++;
                }
                b.append(anyStar ? '*' : '%');
                i = j - 1;
            } else {
                b.append(c);
            }
        }
        return new MailboxPattern(b.toString());
    }

    public boolean matches(String name) {
        long[] cur = start.clone();
        long[] next = new long[cur.length];
        for (int p = 0; p < name.length(); p++) {
            char c = name.charAt(p);
            long[] lit = literal.get(c);
            boolean anyAlive = false;
            long carry = 0;
            for (int w = 0; w < cur.length; w++) {
                long stay = cur[w] & (c == MailboxNames.DELIMITER ? star[w] : star[w] | percent[w]);
                long adv = lit == null ? 0 : cur[w] & lit[w];
                next[w] = stay | (adv << 1) | carry;
                carry = adv >>> 63;
            }
            closure(next);
            for (int w = 0; w < cur.length; w++) {
                cur[w] = next[w];
                anyAlive |= next[w] != 0;
            }
            if (!anyAlive) {
                return false;
            }
        }
        return (cur[accept >>> 6] & (1L << (accept & 63))) != 0;
    }

    /**
     * A set wildcard state also sets the state after it. One pass suffices: after collapsing, no two wildcards are
     * adjacent, so a state entered this way is never itself a wildcard.
     */
    private void closure(long[] s) {
        long carry = 0;
        for (int w = 0; w < s.length; w++) {
            long from = s[w] & wild[w];
            long in = (from << 1) | carry;
            carry = from >>> 63;
            s[w] |= in;
        }
        if (states % 64 != 0) {
            s[s.length - 1] &= (1L << (states % 64)) - 1;
        }
    }

    private static void set(long[] bits, int i) {
        bits[i >>> 6] |= 1L << (i & 63);
    }
}
