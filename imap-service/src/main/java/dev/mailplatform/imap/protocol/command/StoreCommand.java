package dev.mailplatform.imap.protocol.command;

import dev.mailplatform.imap.protocol.ArgumentReader;
import dev.mailplatform.imap.protocol.BadSyntaxException;
import dev.mailplatform.imap.protocol.SequenceSet;
import dev.mailplatform.imap.protocol.StoreMode;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code [UID] STORE set [+|-]FLAGS[.SILENT] flags}; flags as a parenthesised list or bare, system flags canonical.
 */
public record StoreCommand(String tag, boolean uid, SequenceSet set, StoreMode mode, boolean silent,
        List<String> flags) implements Command {

    public StoreCommand {
        flags = List.copyOf(flags);
    }

    public static StoreCommand parse(String tag, boolean uid, ArgumentReader r) {
        r.sp();
        SequenceSet set = r.sequenceSet();
        r.sp();
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
        return new StoreCommand(tag, uid, set, mode, silent, flags);
    }

    @Override
    public String name() {
        return uid ? "UID STORE" : "STORE";
    }
}
