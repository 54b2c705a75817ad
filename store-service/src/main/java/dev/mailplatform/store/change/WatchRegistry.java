package dev.mailplatform.store.change;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Consumer;

/**
 * The open Watch streams of this replica, by account. Adding and removing happen inside the map's per-key lock:
 * with a lookup followed by an add outside it, a stream added to an account's set just as the last other stream
 * removed that set from the map was orphaned, and never heard of a change again.
 */
final class WatchRegistry<W> {

    private final Map<Long, Set<W>> byAccount = new ConcurrentHashMap<>();

    void add(long accountId, W watcher) {
        byAccount.compute(accountId, (id, set) -> {
            Set<W> s = set != null ? set : new CopyOnWriteArraySet<>();
            s.add(watcher);
            return s;
        });
    }

    void remove(long accountId, W watcher) {
        byAccount.computeIfPresent(accountId, (id, set) -> {
            set.remove(watcher);
            return set.isEmpty() ? null : set;
        });
    }

    /** Calls {@code action} for each watcher of the account registered when the call starts. */
    void forEach(long accountId, Consumer<W> action) {
        Set<W> set = byAccount.get(accountId);
        if (set != null) {
            set.forEach(action);
        }
    }

    boolean contains(long accountId, W watcher) {
        Set<W> set = byAccount.get(accountId);
        return set != null && set.contains(watcher);
    }

    /** Open streams, all accounts together. */
    int size() {
        return byAccount.values().stream().mapToInt(Set::size).sum();
    }

    void forAll(Consumer<W> action) {
        byAccount.values().forEach(s -> s.forEach(action));
    }
}
