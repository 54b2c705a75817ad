package dev.mailplatform.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the manifests must agree with in deploy/images/MODULE/Dockerfile: FROM, EXPOSE, USER, ENV. */
record Dockerfile(Path path, List<String> from, Set<Integer> exposed, String user, Map<String, String> env) {

    private static final Pattern ENV_PAIR = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\"(?:[^\"\\\\]|\\\\.)*\"|\\S*)");

    static Path of(String module) {
        return Repo.IMAGES.resolve(module).resolve("Dockerfile");
    }

    static Dockerfile read(String module) {
        Path path = of(module);
        if (!Files.isRegularFile(path)) {
            throw new AssertionError(module + " has no Dockerfile: expected " + Repo.rel(path));
        }
        List<String> from = new ArrayList<>();
        Set<Integer> exposed = new TreeSet<>();
        String user = null;
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : joinContinuations(Repo.read(path))) {
            String[] parts = line.trim().split("\\s+", 2);
            if (parts.length < 2) {
                continue;
            }
            String arg = parts[1].trim();
            switch (parts[0].toUpperCase()) {
                case "FROM" -> from.add(arg.split("\\s+")[0]);
                case "EXPOSE" -> {
                    for (String p : arg.split("\\s+")) {
                        exposed.add(Integer.parseInt(p.replace("/tcp", "")));
                    }
                }
                case "USER" -> user = arg;
                case "ENV" -> {
                    if (!arg.contains("=")) { // legacy "ENV NAME value"
                        String[] kv = arg.split("\\s+", 2);
                        env.put(kv[0], kv.length > 1 ? kv[1] : "");
                    } else {
                        Matcher m = ENV_PAIR.matcher(arg);
                        while (m.find()) {
                            String v = m.group(2);
                            if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                                v = v.substring(1, v.length() - 1).replace("\\\"", "\"");
                            }
                            env.put(m.group(1), v);
                        }
                    }
                }
                default -> {
                }
            }
        }
        return new Dockerfile(path, from, exposed, user, env);
    }

    /** The numeric user id of USER uid[:gid]; a name is an error (Kubernetes cannot check runAsNonRoot by name). */
    long uid() {
        if (user == null || !user.split(":")[0].matches("\\d+")) {
            throw new AssertionError(Repo.rel(path) + ": USER must be a numeric uid[:gid], not " + user);
        }
        return Long.parseLong(user.split(":")[0]);
    }

    Long gid() {
        String[] p = user == null ? new String[0] : user.split(":");
        return p.length > 1 && p[1].matches("\\d+") ? Long.parseLong(p[1]) : null;
    }

    private static List<String> joinContinuations(String text) {
        List<String> lines = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String raw : text.split("\n")) {
            String line = raw.stripTrailing();
            if (current.length() == 0 && line.trim().startsWith("#")) {
                continue;
            }
            if (line.endsWith("\\")) {
                current.append(line, 0, line.length() - 1).append(' ');
            } else {
                current.append(line);
                lines.add(current.toString());
                current.setLength(0);
            }
        }
        if (current.length() > 0) {
            lines.add(current.toString());
        }
        return lines;
    }
}
