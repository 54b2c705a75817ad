package dev.mailplatform.localplatform;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One class-data archive (CDS) for all the services of a build, so that the classes they have in common (the JDK's,
 * Netty, Vert.x, Quarkus, gRPC, Jackson...) are mapped read-only from one file and shared by their JVMs, instead of
 * each JVM parsing its own copy into metaspace (docs/benchmarks.md, "Memory at rest").
 *
 * <p>Quarkus loads libraries with its own class loader. JDK 17 archives such classes only from a class list that
 * names each one's jar, super class and interfaces, which {@code -XX:DumpLoadedClassList} does not write for them.
 * So a start without a current archive logs each service's class loading ({@code -Xlog:class+load=debug}); once
 * every service is ready the launcher turns those logs into the list and dumps the archive with
 * {@code -Xshare:dump}, and the next start maps it. At run time the JVM takes a class of a custom loader from the
 * archive only when the bytes the loader defines have the archived size and CRC-32, so a stale archive loses its
 * benefit, never correctness; a new build or JDK (the fingerprint) still records a new one.
 */
public final class ClassDataArchive {

    /** What the services' JVMs get at this start. */
    public enum State {
        /**
         * {@code MAIL_CLASS_DATA_ARCHIVE=off}, no service, no place to keep the archive, or the last dump for this
         * build and JDK failed (so that every start does not record and fail again).
         */
        OFF,
        /** The archive matches this build and JDK: every service maps it. */
        READY,
        /** No current archive: the services log their class loading, and {@link #write} makes one. */
        RECORDING
    }

    static final String ARCHIVE = "services.jsa";
    static final String FINGERPRINT = "services.fingerprint";
    /** Written instead of the fingerprint when the dump failed. */
    static final String FAILED = "failed ";

    private static final Pattern DEBUG = Pattern.compile(
            "klass: (0x[0-9a-f]+)(?: super: (0x[0-9a-f]+))?(?: interfaces:((?: 0x[0-9a-f]+)+))? loader: \\[(.*)");
    private static final Pattern BUILTIN_LOADER = Pattern.compile("of '(bootstrap|app|platform)'");

    private final Path dir;
    private final String fingerprint;
    private final State state;
    /** The launcher's own id in the log names, so that two launchers sharing a build do not mix their logs. */
    private final String recordingId = Long.toString(ProcessHandle.current().pid());

    /** Why it is off, for the start's output; null otherwise. */
    private final String off;

    private ClassDataArchive(Path dir, String fingerprint, State state) {
        this(dir, fingerprint, state, null);
    }

    private ClassDataArchive(Path dir, String fingerprint, State state, String off) {
        this.dir = dir;
        this.fingerprint = fingerprint;
        this.state = state;
        this.off = off;
    }

    /**
     * @param dir where the archive is kept (the build's {@code target/cds}: it belongs to the jars, not to the data)
     * @param serviceDirs each packaged service's {@code quarkus-app} directory
     * @param setting {@code MAIL_CLASS_DATA_ARCHIVE}: {@code auto} (or unset) or {@code off}
     */
    public static ClassDataArchive open(Path dir, List<Path> serviceDirs, String setting) throws IOException {
        String mode = setting == null || setting.isBlank() ? "auto" : setting.trim().toLowerCase(Locale.ROOT);
        if (mode.equals("off") || serviceDirs.isEmpty()) {
            return new ClassDataArchive(dir, "", State.OFF, "off");
        }
        if (!mode.equals("auto")) {
            throw new IllegalArgumentException("MAIL_CLASS_DATA_ARCHIVE must be auto or off, not " + setting);
        }
        String fingerprint = fingerprint(serviceDirs);
        Path archive = dir.resolve(ARCHIVE);
        Path stamp = dir.resolve(FINGERPRINT);
        String recorded = Files.isRegularFile(stamp) ? Files.readString(stamp, StandardCharsets.UTF_8) : "";
        if (recorded.equals(FAILED + fingerprint)) {
            return new ClassDataArchive(dir, fingerprint, State.OFF,
                    "off: its dump failed for this build (" + dir.resolve("dump.log") + ")");
        }
        if (recorded.equals(fingerprint) && Files.isRegularFile(archive)) {
            return new ClassDataArchive(dir, fingerprint, State.READY);
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            return new ClassDataArchive(dir, fingerprint, State.OFF, "off: cannot create " + dir);
        }
        return Files.isWritable(dir) ? new ClassDataArchive(dir, fingerprint, State.RECORDING)
                : new ClassDataArchive(dir, fingerprint, State.OFF, "off: cannot write " + dir);
    }

    public State state() {
        return state;
    }

    /** One line for the start's output. */
    public String describe() {
        return switch (state) {
            case READY -> archive().toString();
            case RECORDING -> "none for this build yet; recording the services' classes for it";
            case OFF -> off;
        };
    }

    public Path archive() {
        return dir.resolve(ARCHIVE);
    }

    /** The options a service's JVM gets first (ours and {@code MAIL_JAVA_OPTS} come after them). */
    public List<String> jvmOptions(String service) {
        return switch (state) {
            case OFF -> List.of();
            case READY -> List.of("-XX:SharedArchiveFile=" + archive());
            // No decorations, no rotation: one line pair per class, a few MiB at most, deleted once read.
            case RECORDING -> List.of("-Xlog:class+load=debug:file=\"" + log(service) + "\":none:filecount=0");
        };
    }

    Path log(String service) {
        return dir.resolve(service + "-" + recordingId + ".classload.log");
    }

    /**
     * After every service is ready on a recording start: writes the class list from their logs, dumps the archive
     * (a few seconds of one core) and records the fingerprint, so that the next start maps it. Says what it did on
     * {@code out}. A failure turns the archive off for this build and JDK (the services run as without it), and
     * says why in {@code target/cds/dump.log}.
     */
    public void write(List<String> services, PrintStream out) {
        if (state != State.RECORDING) {
            return;
        }
        long t0 = System.nanoTime();
        List<Path> logs = services.stream().map(this::log).filter(Files::isRegularFile).toList();
        Path list = dir.resolve("services-" + recordingId + ".classlist");
        Path partial = dir.resolve("services-" + recordingId + ".jsa.partial");
        Path dumpLog = dir.resolve("dump.log");
        try {
            List<String> lines = classList(logs);
            Files.write(list, lines, StandardCharsets.UTF_8);
            Process dump = new ProcessBuilder(ServiceProcess.javaExecutable(), "-Xshare:dump",
                    "-XX:SharedClassListFile=" + list, "-XX:SharedArchiveFile=" + partial)
                    .redirectErrorStream(true).redirectOutput(dumpLog.toFile()).start();
            if (!dump.waitFor(5, TimeUnit.MINUTES)) {
                dump.destroyForcibly();
                throw new IOException("the dump took more than 5 minutes");
            }
            if (dump.exitValue() != 0 || !Files.isRegularFile(partial)) {
                throw new IOException("java -Xshare:dump exited with " + dump.exitValue() + " (see " + dumpLog + ")");
            }
            move(partial, archive());
            Files.writeString(dir.resolve(FINGERPRINT), fingerprint, StandardCharsets.UTF_8);
            out.printf(Locale.ROOT, "Class-data archive for the next start: %d classes, %d MiB, in %.1f s (%s)%n",
                    lines.size(), Files.size(archive()) >> 20, (System.nanoTime() - t0) / 1e9, archive());
        } catch (IOException e) {
            out.println("Class-data archive not written: " + e.getMessage() + "; off for this build");
            try {
                Files.writeString(dir.resolve(FINGERPRINT), FAILED + fingerprint, StandardCharsets.UTF_8);
            } catch (IOException again) {
                // then the next start records and tries again
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            // The services keep their (unlinked) logs open; what they add after this is never read.
            for (Path p : logs) {
                deleteQuietly(p);
            }
            deleteQuietly(list);
            deleteQuietly(partial);
        }
    }

    /**
     * The class list (JDK 17's format) of the classes in these {@code -Xlog:class+load=debug} logs that an archive
     * can hold and the services share: the JDK's own, with an id each, and those a custom loader (Quarkus's) defined
     * from a library jar ({@code lib/main/}), with their jar and the ids of their super class and interfaces. Left
     * out: hidden classes (lambdas, proxies), each service's own and generated classes, and any class whose super
     * type is not in the list. A class already listed from an earlier log is not listed again.
     *
     * <p>The classes most services load come first (the list's order is the archive's): a service then touches fewer
     * of the archive's pages, and its private copies of the written ones (about 12 MiB a front end) are fewer. A class
     * is loaded by at least the services that load its subclasses, so super types still come first.
     */
    static List<String> classList(List<Path> logs) throws IOException {
        Map<String, Integer> ids = new HashMap<>();
        Set<String> unregistered = new LinkedHashSet<>();
        List<String> lines = new ArrayList<>();
        Map<String, Integer> loadedBy = new HashMap<>();
        for (Path log : logs) {
            Set<String> loaded = new HashSet<>();
            Map<String, String> names = new HashMap<>();
            String name = null;
            String source = null;
            try (BufferedReader in = Files.newBufferedReader(log, StandardCharsets.UTF_8)) {
                for (String line; (line = in.readLine()) != null; ) {
                    int at = line.indexOf(" source: ");
                    if (at > 0 && !line.startsWith(" ")) {
                        name = line.substring(line.lastIndexOf(']', at) + 1, at).trim();
                        source = line.substring(at + " source: ".length()).trim();
                        continue;
                    }
                    Matcher m = DEBUG.matcher(line);
                    if (name == null || !m.find()) {
                        continue;
                    }
                    String klass = name.replace('.', '/');
                    String from = source;
                    name = null;
                    names.put(m.group(1), klass);
                    if (loaded.add(klass)) {
                        loadedBy.merge(klass, 1, Integer::sum);
                    }
                    if (klass.contains("/0x") || ids.containsKey(klass)) {
                        continue; // hidden, or listed already
                    }
                    if (from.startsWith("jrt:/") || from.startsWith("shared objects file")) {
                        ids.put(klass, ids.size() + 1);
                        lines.add(klass + " id: " + ids.get(klass));
                        continue;
                    }
                    String jar = from.startsWith("file:") ? from.substring("file:".length()) : "";
                    if (BUILTIN_LOADER.matcher(m.group(4)).find() || !jar.endsWith(".jar")
                            || !jar.contains("/lib/main/") || unregistered.contains(klass)) {
                        continue;
                    }
                    Integer superId = m.group(2) == null ? null : ids.get(names.get(m.group(2)));
                    List<Integer> interfaceIds = new ArrayList<>();
                    for (String i : m.group(3) == null ? new String[0] : m.group(3).trim().split(" ")) {
                        interfaceIds.add(ids.get(names.get(i)));
                    }
                    if (superId == null || interfaceIds.contains(null)) {
                        continue; // a super type the archive cannot hold
                    }
                    ids.put(klass, ids.size() + 1);
                    unregistered.add(klass);
                    StringBuilder entry = new StringBuilder(klass).append(" id: ").append(ids.get(klass))
                            .append(" super: ").append(superId);
                    if (!interfaceIds.isEmpty()) {
                        entry.append(" interfaces:");
                        interfaceIds.forEach(i -> entry.append(' ').append(i));
                    }
                    lines.add(entry.append(" source: ").append(jar).toString());
                }
            }
        }
        lines.sort(Comparator.comparingInt(l -> -loadedBy.get(l.substring(0, l.indexOf(' ')))));
        return lines;
    }

    /** The JDK, and each service's jars by name, size and time: a new build or JDK means a new archive. */
    static String fingerprint(List<Path> serviceDirs) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        StringBuilder s = new StringBuilder(System.getProperty("java.home")).append('\n')
                .append(System.getProperty("java.vm.version")).append('\n');
        for (Path d : serviceDirs) {
            Path lib = d.resolve("lib/main");
            s.append(d).append('\n');
            if (!Files.isDirectory(lib)) {
                continue;
            }
            try (Stream<Path> jars = Files.list(lib)) {
                for (Path j : jars.sorted().toList()) {
                    s.append(j.getFileName()).append(' ').append(Files.size(j)).append(' ')
                            .append(Files.getLastModifiedTime(j).toMillis()).append('\n');
                }
            }
        }
        return HexFormat.of().formatHex(sha.digest(s.toString().getBytes(StandardCharsets.UTF_8)));
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a leftover in target/cds is harmless
        }
    }
}
