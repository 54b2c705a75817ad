package dev.mailplatform.lmtp.protocol;

import java.util.Locale;

/** A command line split into its verb (upper case) and the rest. */
public record Command(String verb, String args) {

    public static Command parse(String line) {
        int sp = line.indexOf(' ');
        String verb = (sp < 0 ? line : line.substring(0, sp)).toUpperCase(Locale.ROOT);
        return new Command(verb, sp < 0 ? "" : line.substring(sp + 1).strip());
    }
}
