package dev.mailplatform.deploy;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Broken input fails the check with a message that names the file and the field. */
class BadInputTest {

    @Test
    void aMissingSecretFileIsNamed() throws IOException {
        Path copy = Kustomize.prepareCopy("missing-secret");
        Files.delete(copy.resolve("overlays/dev/secrets/db-password"));
        AssertionError e = assertThrows(AssertionError.class, () -> Kustomize.render(copy, "dev"));
        assertTrue(e.getMessage().contains("overlays/dev/secrets/db-password"), e.getMessage());
    }

    @Test
    void anUnknownFieldIsNamedWithItsFile() throws IOException {
        Path copy = Kustomize.prepareCopy("unknown-field");
        Path file = copy.resolve("base/pop3-service.yaml");
        Files.writeString(file, Files.readString(file).replace("          readinessProbe:", "          readinesProbe:"));
        String yaml = Kustomize.render(copy, "dev");
        AssertionError e = assertThrows(AssertionError.class, () -> Manifests.parse("dev", yaml));
        assertTrue(e.getMessage().contains("Deployment/pop3-service (from deploy/kubernetes/base/pop3-service.yaml)")
                && e.getMessage().contains("spec.template.spec.containers[0].readinesProbe"), e.getMessage());
    }

    @Test
    void aWrongApiVersionIsNamed() throws IOException {
        Path copy = Kustomize.prepareCopy("wrong-api");
        Path file = copy.resolve("overlays/production/autoscaling.yaml");
        Files.writeString(file, Files.readString(file).replace("apiVersion: autoscaling/v2", "apiVersion: autoscaling/v1"));
        String yaml = Kustomize.render(copy, "production");
        AssertionError e = assertThrows(AssertionError.class, () -> Manifests.parse("production", yaml));
        assertTrue(e.getMessage().contains("HorizontalPodAutoscaler/imap-service")
                && e.getMessage().contains("autoscaling/v1"), e.getMessage());
    }

    @Test
    void aMalformedOverlayIsNamed() throws IOException {
        Path copy = Kustomize.prepareCopy("malformed");
        Path file = copy.resolve("overlays/dev/kustomization.yaml");
        Files.writeString(file, Files.readString(file).replace("resources:", "resources: [oops"));
        AssertionError e = assertThrows(AssertionError.class, () -> Kustomize.render(copy, "dev"));
        assertTrue(e.getMessage().contains("kubectl kustomize deploy/kubernetes/overlays/dev failed"), e.getMessage());
    }

    @Test
    void aBadQuantityIsNamed() throws IOException {
        Path copy = Kustomize.prepareCopy("bad-quantity");
        Path file = copy.resolve("base/store-service.yaml");
        Files.writeString(file, Files.readString(file).replace("memory: 768Mi", "memory: 768 MB"));
        AssertionError e = assertThrows(AssertionError.class,
                () -> Manifests.parse("production", Kustomize.render(copy, "production")));
        assertTrue(e.getMessage().contains("Deployment/store-service") && e.getMessage().contains("memory"),
                e.getMessage());
    }
}
