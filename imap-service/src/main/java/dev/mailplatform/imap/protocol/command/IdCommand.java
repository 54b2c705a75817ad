package dev.mailplatform.imap.protocol.command;

import dev.mailplatform.imap.protocol.ArgumentReader;
import dev.mailplatform.imap.protocol.BadSyntaxException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * RFC 2971 {@code ID (field value ...)} or {@code ID NIL}.
 *
 * @param parameters null for NIL; otherwise insertion-ordered, values null for NIL
 */
public record IdCommand(String tag, Map<String, String> parameters) implements Command {

    /** RFC 2971 bounds: at most 30 pairs, fields up to 30 octets, values up to 1024 octets. */
    private static final int MAX_PAIRS = 30;

    public IdCommand {
        parameters = parameters == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    public static IdCommand parse(String tag, ArgumentReader r) {
        r.sp();
        if (r.nil()) {
            return new IdCommand(tag, null);
        }
        r.open();
        Map<String, String> params = new LinkedHashMap<>();
        if (!r.peekIs(')')) {
            do {
                String key = r.string();
                r.sp();
                String value = r.nstring();
                if (key.length() > 30 || (value != null && value.length() > 1024)) {
                    throw new BadSyntaxException("ID field or value too long");
                }
                params.put(key, value);
                if (params.size() > MAX_PAIRS) {
                    throw new BadSyntaxException("too many ID fields");
                }
            } while (r.skip(' '));
        }
        r.close();
        return new IdCommand(tag, params);
    }

    @Override
    public String name() {
        return "ID";
    }
}
