package dev.mailplatform.imap.protocol;

import java.util.EnumSet;
import java.util.Set;

/**
 * The result options of {@code SEARCH RETURN (...)}: RFC 4731's MIN, MAX, COUNT and ALL, and RFC 5182's SAVE. RFC
 * 5267 gives SORT the same list, so this is parsed and interpreted in one place for both.
 */
public record SearchReturn(Set<Option> options) {

    public enum Option {
        MIN, MAX, COUNT, ALL, SAVE
    }

    public SearchReturn {
        options = options.isEmpty() ? Set.of(Option.ALL) : Set.copyOf(options);
    }

    public static SearchReturn of(Option... options) {
        return new SearchReturn(options.length == 0 ? Set.of() : EnumSet.of(options[0], options));
    }

    /** {@code (option ...)} after {@code RETURN SP}; an empty list means ALL (RFC 4731 §3.1). */
    public static SearchReturn parse(ArgumentReader r) {
        r.open();
        Set<Option> out = EnumSet.noneOf(Option.class);
        if (!r.peekIs(')')) {
            do {
                String name = r.keyword();
                Option option;
                try {
                    option = Option.valueOf(name);
                } catch (IllegalArgumentException e) {
                    throw new BadSyntaxException("unsupported RETURN option "
                            + (name.length() > 40 ? name.substring(0, 40) : name));
                }
                out.add(option);
            } while (r.skip(' '));
        }
        r.close();
        return new SearchReturn(out);
    }

    public boolean has(Option option) {
        return options.contains(option);
    }

    /** Whether an ESEARCH response is sent: not when SAVE is the only option (RFC 5182 §2.1). */
    public boolean answers() {
        return !options.equals(Set.of(Option.SAVE));
    }

    /**
     * What SAVE keeps (RFC 5182 §2.1): with MIN and/or MAX and neither ALL nor COUNT, only the messages those name;
     * otherwise the whole result.
     */
    public boolean savesAll() {
        return has(Option.ALL) || has(Option.COUNT) || !(has(Option.MIN) || has(Option.MAX));
    }
}
