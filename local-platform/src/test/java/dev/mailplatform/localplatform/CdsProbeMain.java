package dev.mailplatform.localplatform;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.function.Supplier;

/** Loads {@link CdsProbe} from the jar given, through a class loader of its own (not the JDK's built-in ones). */
public final class CdsProbeMain {
    public static void main(String[] args) throws Exception {
        URL jar = Path.of(args[0]).toUri().toURL();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar}, ClassLoader.getPlatformClassLoader())) {
            Object probe = loader.loadClass(CdsProbe.class.getName()).getDeclaredConstructor().newInstance();
            System.out.println(((Supplier<?>) probe).get());
        }
    }
}
