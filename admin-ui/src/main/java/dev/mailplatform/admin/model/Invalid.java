package dev.mailplatform.admin.model;

import java.util.LinkedHashMap;
import java.util.Map;

/** Bad input, with one message per field that a person can act on: 400. */
public class Invalid extends RuntimeException {

    private final Map<String, String> fields;

    public Invalid(Map<String, String> fields) {
        super(String.join("; ", fields.values()));
        this.fields = Map.copyOf(fields);
    }

    public static Invalid field(String field, String message) {
        return new Invalid(Map.of(field, message));
    }

    public Map<String, String> fields() {
        return fields;
    }

    /** Collects the messages of several fields, then throws them together. */
    public static final class Collector {
        private final Map<String, String> fields = new LinkedHashMap<>();

        public Collector add(String field, String message) {
            fields.putIfAbsent(field, message);
            return this;
        }

        public boolean has(String field) {
            return fields.containsKey(field);
        }

        public void throwIfAny() {
            if (!fields.isEmpty()) {
                throw new Invalid(fields);
            }
        }
    }
}
