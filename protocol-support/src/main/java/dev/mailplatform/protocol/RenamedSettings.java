package dev.mailplatform.protocol;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.Priorities;
import jakarta.annotation.Priority;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Settings that were renamed, with their old names still accepted. Reading a new name that has no value of its own
 * reads the old one; the first time an old name is found set, one WARN names it and its replacement (never the value).
 * A service registers a subclass that passes its map (new name → old name) in
 * {@code META-INF/services/io.smallrye.config.ConfigSourceInterceptor}. Environment variables come along for free:
 * the environment source answers {@code mail.pop3.trust-loopback} from {@code MAIL_POP3_TRUST_LOOPBACK}.
 *
 * <p>As in SmallRye's {@code FallbackConfigSourceInterceptor}, a value under the new name wins unless it comes from a
 * weaker source than the old name's: a default (the mapping's {@code @WithDefault}) or application.properties must
 * not hide an old name an operator set in the environment. The priority puts this outside the profile and expression
 * interceptors, so {@code %test.} prefixes and {@code ${...}} work under both names.
 */
@Priority(Priorities.APPLICATION)
public class RenamedSettings implements ConfigSourceInterceptor {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = Logger.getLogger(RenamedSettings.class);

    private final Map<String, String> oldNames;
    private final Map<String, String> newNames;
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    /** {@code oldNames}: each new name with the old name it replaces. */
    protected RenamedSettings(Map<String, String> oldNames) {
        this.oldNames = Map.copyOf(oldNames);
        this.newNames = oldNames.entrySet().stream()
                .collect(Collectors.toUnmodifiableMap(Map.Entry::getValue, Map.Entry::getKey));
    }

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        ConfigValue value = context.proceed(name);
        String oldName = oldNames.get(name);
        if (oldName == null) {
            return value;
        }
        ConfigValue old = context.proceed(oldName);
        if (old == null) {
            return value;
        }
        if (warned.add(oldName)) {
            LOG.warnf("%s is deprecated; use %s", oldName, name);
        }
        if (value != null && ConfigValue.CONFIG_SOURCE_COMPARATOR.compare(value, old) >= 0) {
            return value;
        }
        return old.withName(name);
    }

    /**
     * Old names are listed as their new ones: a mapping checks the names under its prefix, and an old one in a
     * properties file would otherwise stop the service at start ("does not map to any root").
     */
    @Override
    public Iterator<String> iterateNames(ConfigSourceInterceptorContext context) {
        Set<String> names = new LinkedHashSet<>();
        context.iterateNames().forEachRemaining(n -> names.add(newNames.getOrDefault(n, n)));
        return names.iterator();
    }
}
