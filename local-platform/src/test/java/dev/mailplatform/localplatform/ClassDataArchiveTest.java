package dev.mailplatform.localplatform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The services' class-data archive with real JVMs: a class that a class loader of its own defines from a library
 * jar (as Quarkus's loader does) is recorded at the first start and mapped from the archive at the next.
 */
class ClassDataArchiveTest {

    @TempDir
    Path tmp;
    private Path app;
    private Path jar;
    private Path dir;

    /** A first start of a build with one library jar: its recording of the probe's run, not yet written. */
    private ClassDataArchive recorded() throws Exception {
        app = tmp.resolve("probe/target/quarkus-app");
        jar = probeJar(app.resolve("lib/main/probe-1.0.jar"));
        dir = tmp.resolve("cds");
        ClassDataArchive first = ClassDataArchive.open(dir, List.of(app), null);
        assertEquals(ClassDataArchive.State.RECORDING, first.state());
        String out = run(first.jvmOptions("probe"), jar);
        assertTrue(out.contains("probe loaded by URLClassLoader"), out);
        return first;
    }

    /** What {@link ClassDataArchive#write} says. */
    private static String write(ClassDataArchive archive) {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        archive.write(List.of("probe"), new PrintStream(console, true, StandardCharsets.UTF_8));
        return console.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aCustomLoadersLibraryClassIsRecordedThenMappedFromTheArchive() throws Exception {
        ClassDataArchive first = recorded();
        String said = write(first);
        assertTrue(said.startsWith("Class-data archive for the next start: "), said);
        assertTrue(Files.isRegularFile(dir.resolve(ClassDataArchive.ARCHIVE)), said);
        assertFalse(Files.exists(first.log("probe")), "the recording is deleted once read");

        ClassDataArchive second = ClassDataArchive.open(dir, List.of(app), "auto");
        assertEquals(ClassDataArchive.State.READY, second.state());
        assertEquals(List.of("-XX:SharedArchiveFile=" + dir.resolve(ClassDataArchive.ARCHIVE)),
                second.jvmOptions("probe"));
        List<String> options = new ArrayList<>(second.jvmOptions("probe"));
        options.add("-Xlog:class+load=info:stdout:none");
        String mapped = run(options, jar);
        assertTrue(mapped.contains(CdsProbe.class.getName() + " source: shared objects file"), mapped);
        assertTrue(mapped.contains("java.net.URLClassLoader source: shared objects file"), mapped);
        assertTrue(mapped.contains("probe loaded by URLClassLoader"), mapped);

        // Another build of a library: record again.
        Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 60_000));
        assertEquals(ClassDataArchive.State.RECORDING, ClassDataArchive.open(dir, List.of(app), null).state());
        assertEquals(ClassDataArchive.State.OFF, ClassDataArchive.open(dir, List.of(app), "off").state());
        assertEquals(List.of(), ClassDataArchive.open(dir, List.of(app), "OFF").jvmOptions("probe"));
        assertThrows(IllegalArgumentException.class, () -> ClassDataArchive.open(dir, List.of(app), "yes"));
    }

    @Test
    void aFailedDumpTurnsTheArchiveOffForThatBuildOnly() throws Exception {
        ClassDataArchive first = recorded();
        // A directory where the dump would write its archive: it cannot, and fails.
        Files.createDirectories(dir.resolve("services-" + ProcessHandle.current().pid() + ".jsa.partial/x"));
        String said = write(first);
        assertTrue(said.startsWith("Class-data archive not written: java -Xshare:dump exited with "), said);
        assertFalse(Files.exists(dir.resolve(ClassDataArchive.ARCHIVE)), said);

        ClassDataArchive again = ClassDataArchive.open(dir, List.of(app), null);
        assertEquals(ClassDataArchive.State.OFF, again.state(), "no recording at every start");
        assertTrue(again.describe().contains("dump failed"), again.describe());
        assertEquals(List.of(), again.jvmOptions("probe"));
        Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 60_000));
        assertEquals(ClassDataArchive.State.RECORDING, ClassDataArchive.open(dir, List.of(app), null).state(),
                "another build is recorded again");
        assertEquals("off", ClassDataArchive.open(dir, List.of(), null).describe(), "no service, nothing to share");
    }

    @Test
    void theListHasTheJdksClassesAndLibraryClassesWithTheirSuperTypesOnly() throws Exception {
        Path log = tmp.resolve("svc.classload.log");
        String runner = "loader: [loader data: 0x00007f5a14273090 for instance a "
                + "'io/quarkus/bootstrap/runner/RunnerClassLoader'{0x0000000687400020}] bytes: 10 checksum: 1";
        String boot = "loader: [loader data: 0x00007f5a141394a0 of 'bootstrap']";
        Files.write(log, List.of(
                "java.lang.Object source: shared objects file",
                " klass: 0x01 super: 0x0000000000000000 " + boot,
                "java.lang.Runnable source: jrt:/java.base",
                " klass: 0x02 super: 0x01 " + boot,
                "io.lib.Task source: file:/r/svc/target/quarkus-app/lib/main/lib-1.jar",
                " klass: 0x03 super: 0x01 interfaces: 0x02 " + runner,
                // its super was generated for this service: not archivable, so neither is it
                "io.quarkus.runner.Gen source: file:/r/svc/target/quarkus-app/quarkus/generated-bytecode.jar",
                " klass: 0x04 super: 0x01 " + runner,
                "io.lib.FromGen source: file:/r/svc/target/quarkus-app/lib/main/lib-1.jar",
                " klass: 0x05 super: 0x04 " + runner,
                "io.lib.Task$$Lambda$12/0x0000000800c0b440 source: io.lib.Task",
                " klass: 0x06 super: 0x01 interfaces: 0x02 " + runner,
                "io.lib.SubTask source: file:/r/svc/target/quarkus-app/lib/main/lib-1.jar",
                " klass: 0x07 super: 0x03 " + runner,
                // the application class loader's classes depend on the class path: left to the JDK's own archive
                "io.quarkus.bootstrap.runner.QuarkusEntryPoint source: file:/r/svc/target/quarkus-app/lib/main/x.jar",
                " klass: 0x08 super: 0x01 loader: [loader data: 0x00007f5a14 of 'app']",
                "io.lib.Cut source: file:/r/svc/target/quar"));
        assertEquals(List.of(
                "java/lang/Object id: 1",
                "java/lang/Runnable id: 2",
                "io/lib/Task id: 3 super: 1 interfaces: 2 source: /r/svc/target/quarkus-app/lib/main/lib-1.jar",
                "io/lib/SubTask id: 4 super: 3 source: /r/svc/target/quarkus-app/lib/main/lib-1.jar"),
                ClassDataArchive.classList(List.of(log, log)));
    }

    @Test
    void classesMoreServicesLoadComeFirst() throws Exception {
        String runner = "loader: [loader data: 0x01 for instance a 'io/quarkus/bootstrap/runner/RunnerClassLoader']";
        Path a = tmp.resolve("a.classload.log");
        Path b = tmp.resolve("b.classload.log");
        Files.write(a, List.of(
                "java.lang.Object source: shared objects file",
                " klass: 0x01 super: 0x0000000000000000 loader: [loader data: 0x02 of 'bootstrap']",
                "io.lib.OnlyA source: file:/r/a/target/quarkus-app/lib/main/lib-1.jar",
                " klass: 0x02 super: 0x01 " + runner,
                "io.lib.Both source: file:/r/a/target/quarkus-app/lib/main/lib-1.jar",
                " klass: 0x03 super: 0x01 " + runner));
        Files.write(b, List.of(
                "java.lang.Object source: shared objects file",
                " klass: 0x11 super: 0x0000000000000000 loader: [loader data: 0x02 of 'bootstrap']",
                "io.lib.Both source: file:/r/b/target/quarkus-app/lib/main/lib-1.jar",
                " klass: 0x13 super: 0x11 " + runner));
        assertEquals(List.of(
                "java/lang/Object id: 1",
                "io/lib/Both id: 3 super: 1 source: /r/a/target/quarkus-app/lib/main/lib-1.jar",
                "io/lib/OnlyA id: 2 super: 1 source: /r/a/target/quarkus-app/lib/main/lib-1.jar"),
                ClassDataArchive.classList(List.of(a, b)));
    }

    private String run(List<String> jvmOptions, Path jar) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(ServiceProcess.javaExecutable());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", ServiceProcessTest.testClasses().toString(), CdsProbeMain.class.getName(),
                jar.toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    /** A library jar holding only {@link CdsProbe}. */
    private static Path probeJar(Path jar) throws Exception {
        Files.createDirectories(jar.getParent());
        String entry = CdsProbe.class.getName().replace('.', '/') + ".class";
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry(entry));
            out.write(Files.readAllBytes(ServiceProcessTest.testClasses().resolve(entry)));
            out.closeEntry();
        }
        return jar;
    }
}
