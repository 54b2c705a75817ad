package dev.mailplatform.localplatform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;

/**
 * A service's class-data archive (JDK 17's dynamic CDS archive), beside its packaged jar: the first start without a
 * usable archive has the JVM write one when the service stops ({@code -XX:ArchiveClassesAtExit}), later starts map
 * it ({@code -XX:SharedArchiveFile}). Mapped from a file, the classes' metadata takes about 10 MiB less memory per
 * service than when each JVM parses them into its own metaspace, and starts are faster (docs/benchmarks.md, "Memory
 * at rest").
 *
 * <p>An archive older than any file of the packaged application is not used, and is written again; the JVM itself
 * checks the JDK and the class path and ignores an archive that does not match (with a warning in the log). It is
 * written under a name of this launcher's own and moved into place only after the service stopped cleanly, so that
 * two launchers never see a half-written one.
 */
final class ClassArchive {

    private final Path archive;
    private final Path pending;
    private final boolean usable;

    private ClassArchive(Path archive, Path pending, boolean usable) {
        this.archive = archive;
        this.pending = pending;
        this.usable = usable;
    }

    /** The archive of the service packaged at {@code jar} ({@code .../target/quarkus-app/quarkus-run.jar}). */
    static ClassArchive of(Path jar) {
        Path app = jar.toAbsolutePath().getParent();
        Path target = app.getParent() == null ? app : app.getParent();
        Path archive = target.resolve("local-platform-cds.jsa");
        Path pending = target.resolve("local-platform-cds.jsa." + ProcessHandle.current().pid() + ".tmp");
        return new ClassArchive(archive, pending, isCurrent(archive, app));
    }

    private static boolean isCurrent(Path archive, Path app) {
        try {
            if (!Files.isRegularFile(archive) || Files.size(archive) == 0) {
                return false;
            }
            FileTime written = Files.getLastModifiedTime(archive);
            try (Stream<Path> files = Files.walk(app)) {
                return files.filter(Files::isRegularFile).noneMatch(f -> newer(f, written));
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static boolean newer(Path file, FileTime than) {
        try {
            return Files.getLastModifiedTime(file).compareTo(than) > 0;
        } catch (IOException e) {
            return true;
        }
    }

    /** The JVM options: map the archive, or write one at exit. */
    List<String> jvmArgs() {
        return usable ? List.of("-XX:SharedArchiveFile=" + archive)
                : List.of("-XX:ArchiveClassesAtExit=" + pending);
    }

    boolean usable() {
        return usable;
    }

    Path path() {
        return archive;
    }

    /**
     * After the service's JVM ended: puts an archive it wrote in place if it stopped cleanly (on SIGTERM or by
     * itself), else drops it. Never fails.
     */
    void afterStop(int exitCode) {
        if (usable) {
            return;
        }
        try {
            boolean clean = exitCode == 0 || exitCode == 130 || exitCode == 143;
            if (clean && Files.isRegularFile(pending) && Files.size(pending) > 0) {
                Files.move(pending, archive, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } else {
                Files.deleteIfExists(pending);
            }
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(pending);
            } catch (IOException ignored) {
                // A stray temporary file beside the jar; the next build's clean removes it.
            }
        }
    }
}
