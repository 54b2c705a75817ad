package dev.mailplatform.localplatform;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The jar's Main-Class: runs {@link LocalPlatform} with {@code lib/} beside the jar as its class path.
 *
 * <p>The manifest has no Class-Path on purpose (see the pom), so the list of libraries is a resource written at
 * package time. Reading that list, rather than every jar in {@code lib/}, keeps jars left there by older builds out.
 */
public final class Launcher {

    static final String CLASSPATH_RESOURCE = "/META-INF/local-platform/classpath.txt";

    private Launcher() {
    }

    public static void main(String[] args) throws Throwable {
        Path jar = Path.of(Launcher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<URL> urls = new ArrayList<>();
        urls.add(jar.toUri().toURL());
        for (String entry : classpath()) {
            Path lib = jar.resolveSibling(entry);
            if (!Files.isRegularFile(lib)) {
                System.err.println("local-platform: missing " + lib + "; rebuild with ./mvnw -B -pl local-platform -am"
                        + " install -DskipTests");
                System.exit(1);
            }
            urls.add(lib.toUri().toURL());
        }
        // The platform loader as parent, so the classes come from this loader only, never from the bare jar.
        URLClassLoader loader = new URLClassLoader("local-platform", urls.toArray(URL[]::new),
                ClassLoader.getPlatformClassLoader());
        Thread.currentThread().setContextClassLoader(loader);
        try {
            Class.forName(LocalPlatform.class.getName(), true, loader)
                    .getMethod("main", String[].class)
                    .invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static List<String> classpath() throws IOException {
        try (InputStream in = Launcher.class.getResourceAsStream(CLASSPATH_RESOURCE)) {
            if (in == null) {
                throw new IOException(CLASSPATH_RESOURCE + " is missing: run the packaged local-platform.jar");
            }
            List<String> entries = new ArrayList<>();
            for (String e : new String(in.readAllBytes(), StandardCharsets.UTF_8).trim().split(":")) {
                if (!e.isBlank()) {
                    entries.add(e.trim());
                }
            }
            return entries;
        }
    }
}
