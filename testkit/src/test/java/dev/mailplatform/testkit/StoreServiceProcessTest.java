package dev.mailplatform.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
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
        assumeTrue(System.getProperty(StoreServiceProcess.JAR_PROPERTY) == null);
        Path jar = StoreServiceProcess.storeJar();
        assertTrue(jar.endsWith(Path.of("store-service", "target", "quarkus-app", "quarkus-run.jar")), jar.toString());
    }

    /** Runs only where store-service has been packaged (in a full build it comes after this module). */
    @Test
    void startsThePackagedStoreAndStopsIt() throws Exception {
        assumeTrue(Files.isRegularFile(StoreServiceProcess.storeJar()), "store-service is not packaged");
        StoreServiceProcess store = StoreServiceProcess.start(Map.of());
        try {
            assertEquals("127.0.0.1", store.host());
            HttpResponse<String> live = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(store.baseUrl() + "/q/health/live"))
                            .timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, live.statusCode(), live.body());
        } finally {
            store.close();
        }
        assertTrue(Files.readString(store.logFile()).contains("store-service"));
    }
}
