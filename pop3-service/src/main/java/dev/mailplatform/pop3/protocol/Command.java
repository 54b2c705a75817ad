package dev.mailplatform.pop3.protocol;

import java.util.List;
import java.util.Locale;

/**
 * One parsed command line: the keyword (upper case) and its space-separated arguments. {@code rawArguments} keeps
 * everything after the first space as sent, for PASS, whose password may contain spaces (RFC 1939 allows it).
 */
public record Command(String name, List<String> arguments, String rawArguments) {

    public static Command parse(String line) {
        int space = line.indexOf(' ');
        String keyword = space < 0 ? line : line.substring(0, space);
        String rest = space < 0 ? "" : line.substring(space + 1);
        List<String> args = rest.isEmpty() ? List.of() : List.of(rest.trim().split(" +"));
        if (args.size() == 1 && args.get(0).isEmpty()) {
            args = List.of();
        }
        return new Command(keyword.toUpperCase(Locale.ROOT), args, rest);
    }

    public int arity() {
        return arguments.size();
    }

    public String argument(int i) {
        return arguments.get(i);
    }

    /** Never prints PASS's password or a SASL response. */
    @Override
    public String toString() {
        return name.equals("PASS") || name.equals("AUTH") ? name + " ***" : name + " " + arguments;
    }
}
