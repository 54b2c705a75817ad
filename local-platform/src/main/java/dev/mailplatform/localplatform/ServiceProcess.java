package dev.mailplatform.localplatform;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One Quarkus service ({@code quarkus-run.jar}) run as a child JVM, with its output in a log file.
 *
 * <p>Readiness is the service's own {@code /q/health/ready} answering 200 on its HTTP port.
 */
public final class ServiceProcess implements AutoCloseable {

    /** How long a service gets to stop after SIGTERM before it is killed. */
    public static final Duration STOP_GRACE = Duration.ofSeconds(20);

    private static final Duration POLL_INTERVAL = Duration.ofMillis(200);

    private final String name;
    private final int port;
    private final Process process;
    private final Path logFile;
    private final Thread pump;
    private final Instant started = Instant.now();

    private ServiceProcess(String name, int port, Process process, Path logFile, Thread pump) {
        this.name = name;
        this.port = port;
        this.process = process;
        this.logFile = logFile;
        this.pump = pump;
    }

    /**
     * Starts {@code java [jvmArgs] -jar jar}.
     *
     * @param env the child's complete environment (start from {@link System#getenv()} to pass the parent's on)
     * @param port the HTTP port the service was told to use (through {@code env}); used for the readiness probe
     * @param logFile stdout and stderr are appended here
     * @param echoOrNull if not null, every output line is also written here, prefixed with {@code [name]}
     */
    public static ServiceProcess start(String name, Path jar, int port, Map<String, String> env, List<String> jvmArgs,
            Path logFile, PrintStream echoOrNull) throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IOException(name + ": no jar at " + jar);
        }
        List<String> command = new ArrayList<>();
        command.add(javaExecutable());
        command.addAll(jvmArgs);
        command.add("-jar");
        command.add(jar.toAbsolutePath().toString());
        return start(name, command, port, env, logFile, echoOrNull);
    }

    /** Starts any command that serves {@code /q/health/ready} on {@code port}; see the jar variant. */
    public static ServiceProcess start(String name, List<String> command, int port, Map<String, String> env,
            Path logFile, PrintStream echoOrNull) throws IOException {
        Files.createDirectories(logFile.toAbsolutePath().getParent());
        Files.writeString(logFile, "==== " + name + " starting at " + Instant.now() + " on port " + port + "\n",
                StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(env);
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        if (echoOrNull == null) {
            pb.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        }
        Process process = pb.start();
        Thread pump = null;
        if (echoOrNull != null) {
            pump = new Thread(() -> pump(process, logFile, "[" + name + "] ", echoOrNull), name + "-output");
            pump.setDaemon(true);
            pump.start();
        }
        return new ServiceProcess(name, port, process, logFile, pump);
    }

    private static void pump(Process process, Path logFile, String prefix, PrintStream echo) {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                OutputStream log = Files.newOutputStream(logFile, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND)) {
            String line;
            while ((line = in.readLine()) != null) {
                log.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                log.flush();
                echo.println(prefix + line);
            }
        } catch (IOException e) {
            echo.println(prefix + "(output lost: " + e + ")");
        }
    }

    /**
     * Waits until {@code GET /q/health/ready} answers 200.
     *
     * @throws IOException if the process exits first or the timeout passes; the message holds the log's tail
     */
    public void awaitReady(Duration timeout) throws IOException, InterruptedException {
        URI uri = URI.create(baseUrl() + "/q/health/ready");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IOException(name + " exited with code " + process.exitValue() + " before it was ready. "
                        + "Last lines of " + logFile + ":\n" + tail(40));
            }
            try {
                HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException notListeningYet) {
                // Connection refused until Quarkus has bound the port.
            }
            if (System.nanoTime() > deadline) {
                throw new IOException(name + " was not ready on " + uri + " within " + timeout.toSeconds() + " s. "
                        + "Last lines of " + logFile + ":\n" + tail(40));
            }
            // Waiting on the process doubles as the poll interval and returns at once if it dies.
            process.waitFor(POLL_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Sends SIGTERM, waits up to {@code grace} for the process to end, then kills it. Idempotent.
     *
     * @return the exit code, or -1 if it had to be killed and still did not go
     */
    public int stop(Duration grace) {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    if (!process.waitFor(5, TimeUnit.SECONDS)) {
                        return -1;
                    }
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                return -1;
            }
        }
        if (pump != null) {
            try {
                pump.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        stop(STOP_GRACE);
    }

    /** The last lines of the log file, or a note if it cannot be read. */
    public String tail(int lines) {
        return tail(logFile, lines);
    }

    static String tail(Path file, int lines) {
        // Read at most the last 64 KiB: a service's log can be large, the tail is what explains a failure.
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long length = raf.length();
            long from = Math.max(0, length - 65536);
            byte[] buf = new byte[(int) (length - from)];
            raf.seek(from);
            raf.readFully(buf);
            String[] all = new String(buf, StandardCharsets.UTF_8).split("\n", -1);
            int end = all.length;
            if (end > 0 && all[end - 1].isEmpty()) {
                end--;
            }
            int start = Math.max(from > 0 ? 1 : 0, end - lines);
            StringBuilder sb = new StringBuilder();
            for (int i = start; i < end; i++) {
                sb.append("    ").append(all[i]).append('\n');
            }
            return sb.toString();
        } catch (IOException e) {
            return "    (cannot read " + file + ": " + e.getMessage() + ")\n";
        }
    }

    /** The {@code java} of the running JVM, so that services run on the same Java as their launcher. */
    public static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public Path logFile() {
        return logFile;
    }

    public Process process() {
        return process;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Instant startedAt() {
        return started;
    }
}
