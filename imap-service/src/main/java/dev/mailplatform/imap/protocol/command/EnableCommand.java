package dev.mailplatform.imap.protocol.command;

import dev.mailplatform.imap.protocol.ArgumentReader;
import java.util.ArrayList;
import java.util.List;

/** RFC 5161 {@code ENABLE cap...}; capability names upper-cased. */
public record EnableCommand(String tag, List<String> capabilities) implements Command {

    public EnableCommand {
        capabilities = List.copyOf(capabilities);
    }

    public static EnableCommand parse(String tag, ArgumentReader r) {
        List<String> caps = new ArrayList<>();
        r.sp();
        caps.add(r.keyword());
        while (r.skip(' ')) {
            caps.add(r.keyword());
        }
        return new EnableCommand(tag, caps);
    }

    @Override
    public String name() {
        return "ENABLE";
    }
}
