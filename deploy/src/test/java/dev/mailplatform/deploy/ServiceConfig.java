package dev.mailplatform.deploy;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A service module's own configuration, read from its sources: the listening ports of application.properties
 * ({@code key=${ENV:default}}) and every configuration name it knows, as environment variables (the keys of
 * application.properties, the {@code ${ENV}} it references, and the keys of its {@code @ConfigMapping} interfaces,
 * with those they extend from protocol-support).
 */
final class ServiceConfig {

    /** A listening port: the key, the environment variable that sets it (if any) and the default. */
    record Port(String key, String env, int defaultValue) {
    }

    /** Names every Quarkus service in a container may be given besides its own keys. */
    static final Set<String> ALWAYS_KNOWN = Set.of("JAVA_TOOL_OPTIONS", "QUARKUS_HTTP_HOST");

    private static final Pattern ENV_REF = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)");
    private static final Pattern PORT_VALUE = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*):(\\d+)}|(\\d+)");
    private static final Pattern CONFIG_MAPPING = Pattern.compile(
            "@ConfigMapping\\s*\\(\\s*prefix\\s*=\\s*\"([^\"]+)\"\\s*\\)[^{]*?\\binterface\\s+(\\w+)");
    private static final Pattern INTERFACE = Pattern.compile("\\binterface\\s+(\\w+)([^{]*)\\{");
    private static final Pattern METHOD = Pattern.compile("([\\w.<>?,\\[\\]\\s]+?)\\s+(\\w+)\\s*\\(\\s*\\)\\s*;");

    final String module;
    final Path propertiesFile;
    final List<Port> ports = new ArrayList<>();
    final Integer httpPort;
    final Set<String> knownEnv = new TreeSet<>();

    private ServiceConfig(String module) {
        this.module = module;
        Path moduleDir = Repo.ROOT.resolve(module);
        propertiesFile = moduleDir.resolve("src/main/resources/application.properties");
        if (!Files.isRegularFile(propertiesFile)) {
            throw new AssertionError("service module " + module + " has no " + Repo.rel(propertiesFile)
                    + ": its ports (quarkus.http.port=${ENV:default}, ...) cannot be checked against the manifests");
        }
        Properties props = new Properties();
        String text = Repo.read(propertiesFile);
        try {
            props.load(new StringReader(text));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Matcher refs = ENV_REF.matcher(text);
        while (refs.find()) {
            knownEnv.add(refs.group(1));
        }
        Integer http = null;
        for (String key : new TreeSet<>(props.stringPropertyNames())) {
            String k = key.startsWith("%prod.") ? key.substring("%prod.".length()) : key;
            if (k.startsWith("%")) {
                continue; // another profile (test, dev)
            }
            knownEnv.add(envName(k));
            if (isListeningPort(k)) {
                Matcher m = PORT_VALUE.matcher(props.getProperty(key).trim());
                if (!m.matches()) {
                    throw new AssertionError(Repo.rel(propertiesFile) + ": " + key + " is neither a port nor ${ENV:port}");
                }
                Port port = m.group(3) != null ? new Port(k, null, Integer.parseInt(m.group(3)))
                        : new Port(k, m.group(1), Integer.parseInt(m.group(2)));
                ports.add(port);
                if (k.equals("quarkus.http.port")) {
                    http = port.defaultValue;
                }
            }
        }
        httpPort = http;
        knownEnv.addAll(mappedEnvNames(moduleDir));
        knownEnv.addAll(ALWAYS_KNOWN);
    }

    static ServiceConfig of(String module) {
        return new ServiceConfig(module);
    }

    /** A port the service listens on: not a client's port, not a test port. */
    static boolean isListeningPort(String key) {
        return (key.endsWith(".port") || key.endsWith("-port")) && !key.contains(".clients.")
                && !key.endsWith("test-port");
    }

    /** MicroProfile Config's environment form of a key: mail.imap.tls-port becomes MAIL_IMAP_TLS_PORT. */
    static String envName(String key) {
        return key.toUpperCase().replaceAll("[^A-Z0-9]", "_");
    }

    static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }

    // ---- @ConfigMapping keys from the sources ---------------------------------------------------------------------

    private record Iface(String name, String body, List<String> parents) {
    }

    private static Set<String> mappedEnvNames(Path moduleDir) {
        Map<String, Iface> interfaces = new HashMap<>();
        List<String[]> roots = new ArrayList<>(); // prefix, interface name, file text
        for (Path dir : List.of(moduleDir.resolve("src/main/java"), Repo.ROOT.resolve("protocol-support/src/main/java"))) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    String code = withoutComments(Repo.read(f), false);
                    interfaces.putAll(interfacesIn(withoutComments(Repo.read(f), true)
                            .replaceAll("@\\w+(\\([^)]*\\))?", " ")));
                    if (dir.startsWith(moduleDir)) {
                        Matcher m = CONFIG_MAPPING.matcher(code);
                        while (m.find()) {
                            roots.add(new String[] {m.group(1), m.group(2)});
                        }
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        Set<String> keys = new TreeSet<>();
        for (String[] root : roots) {
            collect(interfaces.get(root[1]), root[0], interfaces, keys, 0);
        }
        Set<String> env = new TreeSet<>();
        keys.forEach(k -> env.add(envName(k)));
        return env;
    }

    private static void collect(Iface iface, String prefix, Map<String, Iface> all, Set<String> keys, int depth) {
        if (iface == null || depth > 8) {
            return;
        }
        for (String parent : iface.parents) {
            collect(all.get(parent), prefix, all, keys, depth + 1);
        }
        Matcher m = METHOD.matcher(topLevel(iface.body));
        while (m.find()) {
            String type = m.group(1).trim();
            if (type.matches("(?s).*\\b(default|static|private)\\b.*")) {
                continue; // a method with a body, not a configuration key
            }
            type = type.substring(type.lastIndexOf(' ') + 1);
            String raw = type.replaceAll("<.*", "");
            raw = raw.substring(raw.lastIndexOf('.') + 1);
            String key = prefix + "." + kebab(m.group(2));
            if (all.containsKey(raw) && !raw.equals(iface.name)) {
                collect(all.get(raw), key, all, keys, depth + 1);
            } else {
                keys.add(key);
            }
        }
    }

    /** Every interface in a file, nested or not, with its body and the interfaces it extends. */
    private static Map<String, Iface> interfacesIn(String text) {
        Map<String, Iface> result = new LinkedHashMap<>();
        Matcher m = INTERFACE.matcher(text);
        while (m.find()) {
            int open = m.end() - 1;
            int close = matchingBrace(text, open);
            List<String> parents = new ArrayList<>();
            String header = m.group(2);
            int ext = header.indexOf("extends");
            if (ext >= 0) {
                for (String p : header.substring(ext + "extends".length()).split(",")) {
                    String name = p.trim().replaceAll("<.*", "");
                    parents.add(name.substring(name.lastIndexOf('.') + 1));
                }
            }
            result.put(m.group(1), new Iface(m.group(1), text.substring(open + 1, close), parents));
        }
        return result;
    }

    private static int matchingBrace(String text, int open) {
        int depth = 0;
        for (int i = open; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return i;
            }
        }
        return text.length();
    }

    /** The body without its nested blocks (nested interfaces, default methods). */
    private static String topLevel(String body) {
        StringBuilder out = new StringBuilder();
        int depth = 0;
        for (char c : body.toCharArray()) {
            if (c == '{') {
                depth++;
                if (depth == 1) {
                    out.append(';'); // a nested declaration ends like a statement
                }
            } else if (c == '}') {
                depth--;
            } else if (depth == 0) {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** Java source without comments, and without the contents of string and char literals if asked. */
    static String withoutComments(String src, boolean emptyLiterals) {
        StringBuilder out = new StringBuilder(src.length());
        int i = 0;
        int n = src.length();
        while (i < n) {
            char c = src.charAt(i);
            char next = i + 1 < n ? src.charAt(i + 1) : 0;
            if (c == '/' && next == '/') {
                while (i < n && src.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '/' && next == '*') {
                int end = src.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
                out.append(' ');
            } else if (c == '"' || c == '\'') {
                int start = i++;
                while (i < n && src.charAt(i) != c) {
                    i += src.charAt(i) == '\\' ? 2 : 1;
                }
                i++;
                out.append(emptyLiterals ? String.valueOf(c) + c : src.substring(start, Math.min(i, n)));
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }
}
