package dev.mailplatform.admin.console;

import dev.mailplatform.admin.model.Sizes;
import io.quarkus.qute.TemplateExtension;
import java.util.Locale;

/** How the pages write figures: {x.bytes}, {x.bytesLimit}, {x.countLimit}, {x.days}, {usage.level}. */
@TemplateExtension
public class Formats {

    static String bytes(long v) {
        return Sizes.format(v);
    }

    static String bytesLimit(long v) {
        return v == 0 ? "unlimited" : Sizes.format(v);
    }

    static String countLimit(long v) {
        return v == 0 ? "unlimited" : String.format(Locale.ROOT, "%,d", v);
    }

    static String count(int v) {
        return String.format(Locale.ROOT, "%,d", v);
    }

    static String count(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }

    static String days(int v) {
        return v < 0 ? "keep for ever" : v == 0 ? "delete on retrieval" : "delete " + v + " days after retrieval";
    }
}
