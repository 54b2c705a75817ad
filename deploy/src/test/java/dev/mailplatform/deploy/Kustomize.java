package dev.mailplatform.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Renders overlays with {@code kubectl kustomize}, in a copy of deploy/kubernetes under target/ that gets fresh test
 * secrets from make-test-secrets.sh (never a developer's own secrets/), origin annotations (so that a failure names
 * the file an object came from), and one extra overlay, {@value #EVERY_COMPONENT}: production with every component.
 */
final class Kustomize {

    static final String EVERY_COMPONENT = "every-component";
    private static final Pattern NAMESPACE = Pattern.compile("(?m)^namespace:\\s*(\\S+)");

    private Kustomize() {
    }

    /** A copy of deploy/kubernetes in a new directory under target/, ready to render. */
    static Path prepareCopy(String name) {
        Path copy = Repo.DEPLOY.resolve("target/kustomize").resolve(name).resolve("kubernetes");
        deleteTree(copy.getParent());
        copyTree(Repo.KUBERNETES, copy);
        Path overlays = copy.resolve("overlays");
        for (Path overlay : list(overlays)) {
            Path k = overlay.resolve("kustomization.yaml");
            String text = Repo.read(k);
            if (text.contains("secrets/")) {
                String ns = Repo.firstGroup(NAMESPACE, text);
                run(List.of("bash", copy.resolve("make-test-secrets.sh").toString(),
                        overlay.resolve("secrets").toString(), ns == null ? "mail" : ns), copy, "make-test-secrets.sh");
            }
        }
        StringBuilder every = new StringBuilder("""
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources:
                  - ../production
                components:
                """);
        for (Path component : list(copy.resolve("components"))) {
            every.append("  - ../../components/").append(component.getFileName()).append('\n');
        }
        write(overlays.resolve(EVERY_COMPONENT).resolve("kustomization.yaml"), every.toString());
        for (Path overlay : list(overlays)) {
            Path k = overlay.resolve("kustomization.yaml");
            String text = Repo.read(k);
            if (!text.contains("buildMetadata:")) {
                write(k, text + "\nbuildMetadata: [originAnnotations]\n");
            }
        }
        return copy;
    }

    /** The overlays' names in a prepared copy. */
    static List<String> overlays(Path copy) {
        return list(copy.resolve("overlays")).stream().map(p -> p.getFileName().toString()).toList();
    }

    /** The YAML {@code kubectl kustomize} prints for one overlay of a prepared copy. */
    static String render(Path copy, String overlay) {
        return run(List.of(kubectl(), "kustomize", copy.resolve("overlays").resolve(overlay).toString()), copy,
                "kubectl kustomize deploy/kubernetes/overlays/" + overlay);
    }

    static String kubectl() {
        String configured = System.getenv("KUBECTL");
        if (configured != null && !configured.isBlank()) {
            if (!Files.isExecutable(Path.of(configured))) {
                throw new AssertionError("KUBECTL=" + configured + " is not an executable: the deploy module renders"
                        + " deploy/kubernetes with `kubectl kustomize`; this check is not skipped.");
            }
            return configured;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, "kubectl");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new AssertionError("kubectl is not installed (not on PATH, KUBECTL not set): the deploy module renders"
                + " deploy/kubernetes with `kubectl kustomize` (kubectl 1.27 or later, kustomize v5). Install kubectl;"
                + " this check is not skipped.");
    }

    private static String run(List<String> command, Path dir, String what) {
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).start();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> slurp(p.getInputStream()));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> slurp(p.getErrorStream()));
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(what + " did not finish in 120 s");
            }
            if (p.exitValue() != 0) {
                throw new RenderFailure(what + " failed (exit " + p.exitValue() + "): "
                        + err.join().strip().replace(dir.toString(), "deploy/kubernetes"));
            }
            return out.join();
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command.get(0) + " for " + what + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** kubectl kustomize (or the secrets script) refused the input; the message is its own. */
    static final class RenderFailure extends AssertionError {
        RenderFailure(String message) {
            super(message);
        }
    }

    private static String slurp(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static List<Path> list(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> Files.isRegularFile(p.resolve("kustomization.yaml"))).sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void copyTree(Path from, Path to) {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path rel = from.relativize(p);
                if (rel.getNameCount() >= 3 && rel.getName(0).toString().equals("overlays")
                        && rel.getName(2).toString().equals("secrets")) {
                    continue; // a developer's own secrets stay out of the test
                }
                Path target = to.resolve(rel.toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot copy " + from + ": " + e.getMessage(), e);
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every overlay of a prepared copy, rendered and parsed. */
    static Map<String, Manifests> renderAll(Path copy) {
        Map<String, Manifests> result = new LinkedHashMap<>();
        List<String> failures = new ArrayList<>();
        for (String overlay : overlays(copy)) {
            try {
                result.put(overlay, Manifests.parse(overlay, render(copy, overlay)));
            } catch (AssertionError e) {
                failures.add(e.getMessage());
            }
        }
        if (!failures.isEmpty()) {
            throw new AssertionError(String.join("\n", failures));
        }
        return result;
    }
}
