package dev.mailplatform.localplatform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceProcessTest {

    @TempDir
    Path tmp;

    @Test
    void waitsForReadinessAndStopsWithSigterm() throws Exception {
        int port = Ports.freePort();
        Path log = tmp.resolve("logs/stub.log");
        try (ServiceProcess p = ServiceProcess.start("stub", stubCommand(), port, env(port, "ok"), log, null)) {
            p.awaitReady(Duration.ofSeconds(30));
            assertTrue(p.isAlive());
            assertEquals("http://127.0.0.1:" + port, p.baseUrl());
            // The JVM's exit status for SIGTERM is 128 + 15.
            assertEquals(143, p.stop(Duration.ofSeconds(10)));
        }
        String text = Files.readString(log);
        assertTrue(text.startsWith("==== stub starting at "), text);
        assertTrue(text.contains("env QUARKUS_HTTP_PORT=" + port), text);
        assertTrue(text.contains("stub stopping"), text);
    }

    @Test
    void echoesOutputWithAPrefixAndStillLogsIt() throws Exception {
        int port = Ports.freePort();
        Path log = tmp.resolve("stub.log");
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        try (ServiceProcess p = ServiceProcess.start("stub", stubCommand(), port, env(port, "ok"), log,
                new PrintStream(console, true, StandardCharsets.UTF_8))) {
            p.awaitReady(Duration.ofSeconds(30));
        }
        assertTrue(console.toString(StandardCharsets.UTF_8).contains("[stub] stub listening on " + port));
        assertTrue(Files.readString(log).contains("stub listening on " + port));
    }

    @Test
    void aProcessThatDiesIsReportedWithTheTailOfItsLog() throws Exception {
        int port = Ports.freePort();
        try (ServiceProcess p = ServiceProcess.start("stub", stubCommand(), port, env(port, "die"),
                tmp.resolve("stub.log"), null)) {
            IOException e = assertThrows(IOException.class, () -> p.awaitReady(Duration.ofSeconds(30)));
            assertTrue(e.getMessage().contains("exited with code 3"), e.getMessage());
            assertTrue(e.getMessage().contains("stub failing on purpose"), e.getMessage());
            assertFalse(p.isAlive());
        }
    }

    @Test
    void aProcessThatNeverGetsReadyTimesOut() throws Exception {
        int port = Ports.freePort();
        try (ServiceProcess p = ServiceProcess.start("stub", stubCommand(), port, env(port, "never-ready"),
                tmp.resolve("stub.log"), null)) {
            IOException e = assertThrows(IOException.class, () -> p.awaitReady(Duration.ofSeconds(3)));
            assertTrue(e.getMessage().contains("was not ready"), e.getMessage());
        }
    }

    @Test
    void aProcessThatIgnoresSigtermIsKilledAfterTheGrace() throws Exception {
        int port = Ports.freePort();
        try (ServiceProcess p = ServiceProcess.start("stub", stubCommand(), port, env(port, "stubborn"),
                tmp.resolve("stub.log"), null)) {
            p.awaitReady(Duration.ofSeconds(30));
            long t0 = System.nanoTime();
            // 128 + SIGKILL (9).
            assertEquals(137, p.stop(Duration.ofMillis(500)));
            assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(5).toNanos());
        }
    }

    @Test
    void tailReturnsTheLastLines() throws Exception {
        Path f = tmp.resolve("t.log");
        Files.writeString(f, "a\nb\nc\nd\n");
        assertEquals("    c\n    d\n", ServiceProcess.tail(f, 2));
        assertTrue(ServiceProcess.tail(tmp.resolve("missing.log"), 2).contains("cannot read"));
    }

    static List<String> stubCommand() throws Exception {
        return List.of(ServiceProcess.javaExecutable(), "-XX:TieredStopAtLevel=1", "-cp", testClasses().toString(),
                ServiceStub.class.getName());
    }

    /** The stub needs nothing but the JDK and its own class. */
    static Path testClasses() throws Exception {
        return Path.of(ServiceStub.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    static Map<String, String> env(int port, String mode) {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        env.put("STUB_MODE", mode);
        return env;
    }
}
