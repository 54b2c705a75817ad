package dev.mailplatform.store.domain;

import dev.mailplatform.store.error.StoreException;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/** One page of a list ordered by id, and the token of the next (empty after the last page). */
public record Page<T>(List<T> items, String nextToken) {

    /** The page size asked for: 0 means 100, at most 1000. */
    static int size(int requested) {
        if (requested < 0) {
            throw StoreException.invalid("page size must not be negative");
        }
        return requested == 0 ? 100 : Math.min(requested, 1000);
    }

    /** The id the page starts after. */
    static long after(String token) {
        if (token == null || token.isEmpty()) {
            return 0;
        }
        try {
            return Long.parseLong(token);
        } catch (NumberFormatException e) {
            throw StoreException.invalid("page token is not valid");
        }
    }

    /** A page from up to size + 1 rows read: the extra row only says that there is a next page. */
    static <E, T> Page<T> of(List<E> rows, int size, ToLongFunction<E> id, Function<E, T> map) {
        boolean more = rows.size() > size;
        List<E> page = more ? rows.subList(0, size) : rows;
        return new Page<>(page.stream().map(map).toList(),
                more ? String.valueOf(id.applyAsLong(page.get(page.size() - 1))) : "");
    }
}
