package dev.mailplatform.admin.model;

/** One field of a partial update: absent (leave it), a value, or null (return to the inherited default). */
public record Patch<T>(boolean present, T value) {

    private static final Patch<?> ABSENT = new Patch<>(false, null);

    @SuppressWarnings("unchecked")
    public static <T> Patch<T> absent() {
        return (Patch<T>) ABSENT;
    }

    public static <T> Patch<T> of(T value) {
        return new Patch<>(true, value);
    }

    public boolean clears() {
        return present && value == null;
    }

    public boolean sets() {
        return present && value != null;
    }
}
