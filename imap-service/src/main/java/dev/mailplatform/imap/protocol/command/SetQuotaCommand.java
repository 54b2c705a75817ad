package dev.mailplatform.imap.protocol.command;

import dev.mailplatform.imap.protocol.ArgumentReader;
import dev.mailplatform.imap.protocol.BadSyntaxException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** RFC 9208 {@code SETQUOTA root (resource limit ...)}; resource names upper-cased. */
public record SetQuotaCommand(String tag, String root, Map<String, Long> limits) implements Command {

    public SetQuotaCommand {
        limits = Collections.unmodifiableMap(new LinkedHashMap<>(limits));
    }

    public static SetQuotaCommand parse(String tag, ArgumentReader r) {
        r.sp();
        String root = r.astring();
        r.sp();
        r.open();
        Map<String, Long> limits = new LinkedHashMap<>();
        if (!r.peekIs(')')) {
            do {
                String resource = r.atom().toUpperCase(Locale.ROOT);
                r.sp();
                long limit = r.number();
                if (limits.put(resource, limit) != null) {
                    throw new BadSyntaxException("resource " + resource + " given twice");
                }
            } while (r.skip(' '));
        }
        r.close();
        return new SetQuotaCommand(tag, root, limits);
    }

    @Override
    public String name() {
        return "SETQUOTA";
    }
}
