package dev.mailplatform.imap.protocol.command;

import dev.mailplatform.imap.protocol.ArgumentReader;
import dev.mailplatform.imap.protocol.BadSyntaxException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code LIST reference pattern} or {@code LSUB reference pattern}, plus the single-pattern form of RFC 5258 LIST
 * with selection and return options ({@code LIST (SUBSCRIBED) "" "*" RETURN (SPECIAL-USE)}). Options are upper-cased
 * atoms; options with arguments (such as RFC 5819 {@code STATUS (...)}) and multiple patterns are refused.
 */
public record ListCommand(String tag, String reference, String pattern, boolean lsub, List<String> selectOptions,
        List<String> returnOptions) implements Command {

    public ListCommand {
        selectOptions = List.copyOf(selectOptions);
        returnOptions = List.copyOf(returnOptions);
    }

    public ListCommand(String tag, String reference, String pattern, boolean lsub) {
        this(tag, reference, pattern, lsub, List.of(), List.of());
    }

    public static ListCommand parseList(String tag, ArgumentReader r) {
        r.sp();
        List<String> select = List.of();
        if (r.peekIs('(')) {
            select = options(r);
            r.sp();
        }
        String reference = r.mailbox();
        r.sp();
        if (r.peekIs('(')) {
            throw new BadSyntaxException("multiple LIST patterns are not supported");
        }
        String pattern = r.listMailbox();
        List<String> ret = List.of();
        if (r.skip(' ')) {
            if (!r.keyword().equals("RETURN")) {
                throw new BadSyntaxException("expected RETURN");
            }
            r.sp();
            ret = options(r);
        }
        return new ListCommand(tag, reference, pattern, false, select, ret);
    }

    public static ListCommand parseLsub(String tag, ArgumentReader r) {
        r.sp();
        String reference = r.mailbox();
        r.sp();
        return new ListCommand(tag, reference, r.listMailbox(), true);
    }

    private static List<String> options(ArgumentReader r) {
        r.open();
        List<String> out = new ArrayList<>();
        if (!r.peekIs(')')) {
            out.add(r.keyword());
            while (r.skip(' ')) {
                if (r.peekIs('(')) {
                    throw new BadSyntaxException("LIST options with arguments are not supported");
                }
                out.add(r.keyword());
            }
        }
        if (r.peekIs('(')) {
            throw new BadSyntaxException("LIST options with arguments are not supported");
        }
        r.close();
        return out;
    }

    @Override
    public String name() {
        return lsub ? "LSUB" : "LIST";
    }
}
