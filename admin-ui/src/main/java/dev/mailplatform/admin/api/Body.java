package dev.mailplatform.admin.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mailplatform.admin.model.Invalid;
import dev.mailplatform.admin.model.Patch;
import java.util.ArrayList;
import java.util.List;

/**
 * A JSON request body read field by field, so that a wrong type gets a message naming its field, and absent, null
 * and a value can be told apart (PATCH: null returns a limit to the inherited default).
 */
final class Body {

    private final JsonNode json;
    private final Invalid.Collector errors = new Invalid.Collector();

    Body(JsonNode json) {
        if (json == null || !json.isObject()) {
            throw Invalid.field("body", "send a JSON object");
        }
        this.json = json;
    }

    String text(String name) {
        JsonNode n = json.get(name);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            errors.add(name, "must be a string");
            return null;
        }
        return n.asText();
    }

    Long number(String name) {
        return number(name, json.get(name));
    }

    Integer integer(String name) {
        Long v = number(name);
        if (v != null && (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE)) {
            errors.add(name, "is out of range");
            return null;
        }
        return v == null ? null : v.intValue();
    }

    List<String> texts(String name) {
        JsonNode n = json.get(name);
        List<String> out = new ArrayList<>();
        if (n == null || n.isNull()) {
            return out;
        }
        if (!n.isArray()) {
            errors.add(name, "must be a list of strings");
            return out;
        }
        n.forEach(e -> out.add(e.asText()));
        return out;
    }

    Patch<Long> patchNumber(String name) {
        if (!json.has(name)) {
            return Patch.absent();
        }
        return Patch.of(number(name, json.get(name)));
    }

    Patch<Integer> patchInteger(String name) {
        if (!json.has(name)) {
            return Patch.absent();
        }
        Integer v = integer(name);
        return Patch.of(v);
    }

    Patch<String> patchText(String name) {
        return json.has(name) ? Patch.of(text(name)) : Patch.absent();
    }

    Patch<Boolean> patchBoolean(String name) {
        if (!json.has(name)) {
            return Patch.absent();
        }
        JsonNode n = json.get(name);
        if (!n.isBoolean()) {
            errors.add(name, "must be true or false");
            return Patch.absent();
        }
        return Patch.of(n.asBoolean());
    }

    boolean bool(String name) {
        JsonNode n = json.get(name);
        if (n != null && !n.isNull() && !n.isBoolean()) {
            errors.add(name, "must be true or false");
        }
        return n != null && n.asBoolean();
    }

    /** Throws the collected type errors, if any; call before using the values. */
    Body check() {
        errors.throwIfAny();
        return this;
    }

    private Long number(String name, JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            errors.add(name, "must be a whole number");
            return null;
        }
        return n.asLong();
    }
}
