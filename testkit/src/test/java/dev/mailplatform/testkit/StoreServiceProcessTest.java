package dev.mailplatform.testkit;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class StoreServiceProcessTest {

    @Test
    void aMissingJarIsExplained() {
        String previous = System.getProperty(StoreServiceProcess.JAR_PROPERTY);
        System.setProperty(StoreServiceProcess.JAR_PROPERTY, "target/no-such-dir/quarkus-run.jar");
        try {
            IOException e = assertThrows(IOException.class, StoreServiceProcess::start);
            assertTrue(e.getMessage().contains("no store-service jar at"), e.getMessage());
            assertTrue(e.getMessage().contains(StoreServiceProcess.JAR_PROPERTY), e.getMessage());
        } finally {
            if (previous == null) {
                System.clearProperty(StoreServiceProcess.JAR_PROPERTY);
            } else {
                System.setProperty(StoreServiceProcess.JAR_PROPERTY, previous);
            }
        }
    }

    @Test
    void theDefaultJarIsTheSiblingStoreModule() {
        String previous = System.getProperty(StoreServiceProcess.JAR_PROPERTY);
        System.clearProperty(StoreServiceProcess.JAR_PROPERTY);
        try {
            Path jar = StoreServiceProcess.storeJar();
            assertTrue(jar.endsWith(Path.of("store-service", "target", "quarkus-app", "quarkus-run.jar")),
                    jar.toString());
        } finally {
            if (previous != null) {
                System.setProperty(StoreServiceProcess.JAR_PROPERTY, previous);
            }
        }
    }
    // Starting the packaged store is tested in store-service (StoreServiceProcessIT), after it is packaged.
}
