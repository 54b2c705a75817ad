package dev.mailplatform.imap.session;

import dev.mailplatform.store.v1.Flags;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/** IMAP flag names and the store's flag bits (store-api SystemFlag). */
public final class FlagNames {

    public static final int SEEN = 1;
    public static final int ANSWERED = 2;
    public static final int FLAGGED = 4;
    public static final int DELETED = 8;
    public static final int DRAFT = 16;

    private static final String[] NAMES = {"\\Seen", "\\Answered", "\\Flagged", "\\Deleted", "\\Draft"};

    /** The FLAGS response: system flags every mailbox supports. */
    public static final List<String> SYSTEM = List.of("\\Answered", "\\Flagged", "\\Deleted", "\\Seen", "\\Draft");

    private FlagNames() {
    }

    /** The bit of a system flag name (any case), or 0 for a keyword. */
    public static int bit(String flag) {
        for (int i = 0; i < NAMES.length; i++) {
            if (NAMES[i].equalsIgnoreCase(flag)) {
                return 1 << i;
            }
        }
        return 0;
    }

    /** Flags as the store takes them; {@code \Recent} and unknown system flags are refused. */
    public static Flags toStore(Collection<String> flags) {
        Flags.Builder b = Flags.newBuilder();
        int system = 0;
        for (String f : flags) {
            int bit = bit(f);
            if (bit != 0) {
                system |= bit;
            } else if (f.startsWith("\\")) {
                throw ImapException.bad("Flag " + f + " cannot be set");
            } else {
                b.addKeywords(f);
            }
        }
        return b.setSystem(system).build();
    }

    public static List<String> toImap(int system, Collection<String> keywords) {
        return toImap(system, keywords, false);
    }

    /** The FLAGS of a message as this session shows them: \Recent (per session, never stored) after the system flags. */
    public static List<String> toImap(int system, Collection<String> keywords, boolean recent) {
        List<String> out = new ArrayList<>(6 + keywords.size());
        for (int i = 0; i < NAMES.length; i++) {
            if ((system & (1 << i)) != 0) {
                out.add(NAMES[i]);
            }
        }
        if (recent) {
            out.add("\\Recent");
        }
        out.addAll(keywords);
        return out;
    }

    public static String canonical(String flag) {
        int bit = bit(flag);
        return bit == 0 ? flag : NAMES[Integer.numberOfTrailingZeros(bit)];
    }

    static boolean isRecent(String flag) {
        return flag.toLowerCase(Locale.ROOT).equals("\\recent");
    }
}
