package dev.mailplatform.imap.protocol.command;

import dev.mailplatform.imap.protocol.ArgumentReader;
import dev.mailplatform.imap.protocol.BadSyntaxException;
import dev.mailplatform.imap.protocol.SequenceSet;
import dev.mailplatform.imap.protocol.StoreMode;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code [UID] STORE set [(UNCHANGEDSINCE n)] [+|-]FLAGS[.SILENT] flags}; flags as a parenthesised list or bare, system flags canonical.
 */
public record StoreCommand(String tag, boolean uid, SequenceSet set, StoreMode mode, boolean silent,
        List<String> flags, long unchangedSince) implements Command {

    /** No UNCHANGEDSINCE: {@link #unchangedSince} is -1 (0 is a valid, always-failing, RFC 7162 value). */
    public static final long UNCONDITIONAL = -1;

    public StoreCommand {
        flags = List.copyOf(flags);
    }

    public StoreCommand(String tag, boolean uid, SequenceSet set, StoreMode mode, boolean silent, List<String> flags) {
        this(tag, uid, set, mode, silent, flags, UNCONDITIONAL);
    }

    public static StoreCommand parse(String tag, boolean uid, ArgumentReader r) {
        r.sp();
        SequenceSet set = r.sequenceSet();
        r.sp();
        long unchangedSince = UNCONDITIONAL;
        if (r.peekIs('(')) {
            // RFC 7162 store modifier: UNCHANGEDSINCE mod-sequence-valzer.
            r.open();
            String modifier = r.keyword();
            if (!modifier.equals("UNCHANGEDSINCE")) {
                throw new BadSyntaxException("unsupported STORE modifier " + modifier);
            }
            r.sp();
            unchangedSince = r.number();
            r.close();
            r.sp();
        }
        StoreMode mode = r.skip('+') ? StoreMode.ADD : r.skip('-') ? StoreMode.REMOVE : StoreMode.REPLACE;
        String item = r.keyword();
        boolean silent;
        if (item.equals("FLAGS")) {
            silent = false;
        } else if (item.equals("FLAGS.SILENT")) {
            silent = true;
        } else {
            throw new BadSyntaxException("unknown STORE item " + item);
        }
        r.sp();
        List<String> flags;
        if (r.peekIs('(')) {
            flags = r.flagList();
        } else {
            flags = new ArrayList<>();
            flags.add(r.storableFlag());
            while (r.skip(' ')) {
                flags.add(r.storableFlag());
            }
        }
        return new StoreCommand(tag, uid, set, mode, silent, flags, unchangedSince);
    }

    @Override
    public String name() {
        return uid ? "UID STORE" : "STORE";
    }
}
