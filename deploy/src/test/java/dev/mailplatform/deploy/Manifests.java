package dev.mailplatform.deploy;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One rendered overlay, every object parsed strictly into the fabric8 Kubernetes model: an unknown kind, a wrong
 * apiVersion, a misspelt or unknown field, a bad quantity is an error that names the overlay, the object, the source
 * file (from kustomize's origin annotation) and the field.
 */
final class Manifests {

    /** The kinds the platform uses, each with the apiVersion it must be written in. */
    static final Map<String, Class<? extends HasMetadata>> KINDS = new LinkedHashMap<>();

    static {
        KINDS.put("v1/Namespace", Namespace.class);
        KINDS.put("v1/ConfigMap", ConfigMap.class);
        KINDS.put("v1/Secret", Secret.class);
        KINDS.put("v1/Service", Service.class);
        KINDS.put("apps/v1/Deployment", Deployment.class);
        KINDS.put("apps/v1/StatefulSet", StatefulSet.class);
        KINDS.put("batch/v1/Job", Job.class);
        KINDS.put("networking.k8s.io/v1/Ingress", Ingress.class);
        KINDS.put("networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class);
        KINDS.put("autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class);
        KINDS.put("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class);
        KINDS.put("monitoring.coreos.com/v1/ServiceMonitor", ServiceMonitor.class);
    }

    static final String ORIGIN = "config.kubernetes.io/origin";

    private static final ObjectMapper YAML = new YAMLMapper(new YAMLFactory());
    private static final ObjectMapper MODEL = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS);

    final String overlay;
    final List<HasMetadata> objects;

    private Manifests(String overlay, List<HasMetadata> objects) {
        this.overlay = overlay;
        this.objects = objects;
    }

    static Manifests parse(String overlay, String yaml) {
        List<HasMetadata> objects = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc != null && !doc.isNull() && !doc.isEmpty()) {
                    docs.add(doc);
                }
            }
        } catch (Exception e) {
            throw new AssertionError("overlay " + overlay + ": the rendered YAML does not parse: " + e.getMessage(), e);
        }
        for (JsonNode doc : docs) {
            String apiVersion = doc.path("apiVersion").asText();
            String kind = doc.path("kind").asText();
            String name = doc.path("metadata").path("name").asText();
            String where = "overlay " + overlay + ": " + kind + "/" + name + originOf(doc);
            Class<? extends HasMetadata> type = KINDS.get(apiVersion + "/" + kind);
            if (type == null) {
                errors.add(where + ": unexpected apiVersion/kind " + apiVersion + "/" + kind + " (known: "
                        + KINDS.keySet() + ")");
                continue;
            }
            HasMetadata object;
            try {
                object = MODEL.treeToValue(doc, type);
            } catch (Exception e) {
                errors.add(where + ": does not parse as " + type.getSimpleName() + ": " + e.getMessage());
                continue;
            }
            List<String> unknown = new ArrayList<>();
            unknownFields(object, "", unknown, new IdentityHashMap<>());
            for (String u : unknown) {
                errors.add(where + ": unknown field " + u);
            }
            objects.add(object);
        }
        if (!errors.isEmpty()) {
            throw new AssertionError(String.join("\n", errors));
        }
        return new Manifests(overlay, objects);
    }

    /** " (from base/imap-service.yaml)", from kustomize's origin annotation, or nothing. */
    static String originOf(JsonNode doc) {
        String origin = doc.path("metadata").path("annotations").path(ORIGIN).asText("");
        return origin(origin);
    }

    static String originOf(HasMetadata o) {
        Map<String, String> annotations = o.getMetadata().getAnnotations();
        return origin(annotations == null ? "" : annotations.getOrDefault(ORIGIN, ""));
    }

    private static String origin(String annotation) {
        for (String line : annotation.split("\n")) {
            if (line.startsWith("path:")) {
                String path = line.substring("path:".length()).trim();
                while (path.startsWith("../")) {
                    path = path.substring(3);
                }
                return " (from deploy/kubernetes/" + path + ")";
            }
        }
        return "";
    }

    /**
     * The fields Jackson could not place: fabric8 keeps them in additionalProperties instead of failing, so every
     * model object is walked and any non-empty additionalProperties is reported with its path.
     */
    @SuppressWarnings("unchecked")
    private static void unknownFields(Object o, String path, List<String> out, Map<Object, Boolean> seen) {
        if (o == null || o instanceof String || o instanceof Number || o instanceof Boolean || o instanceof Enum<?>) {
            return;
        }
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object e : c) {
                unknownFields(e, path + "[" + i++ + "]", out, seen);
            }
            return;
        }
        if (o instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                unknownFields(e.getValue(), path + "." + e.getKey(), out, seen);
            }
            return;
        }
        if (!o.getClass().getName().startsWith("io.fabric8.") || seen.put(o, Boolean.TRUE) != null) {
            return;
        }
        if (o instanceof Quantity q) {
            try {
                q.getNumericalAmount();
            } catch (RuntimeException e) {
                out.add(path.substring(1) + ": not a quantity: " + q);
            }
            return;
        }
        if (o instanceof IntOrString) {
            return;
        }
        for (Class<?> c = o.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers())) {
                    continue;
                }
                Object value;
                try {
                    f.setAccessible(true);
                    value = f.get(o);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    continue;
                }
                if (f.getName().equals("additionalProperties")) {
                    Map<String, Object> extra = (Map<String, Object>) value;
                    if (extra != null) {
                        for (String key : extra.keySet()) {
                            out.add((path.isEmpty() ? "" : path.substring(1) + ".") + key);
                        }
                    }
                    continue;
                }
                JsonProperty json = f.getAnnotation(JsonProperty.class);
                if (json != null) {
                    unknownFields(value, path + "." + (json.value().isEmpty() ? f.getName() : json.value()), out,
                            seen);
                }
            }
        }
    }

    // ---- queries ----------------------------------------------------------------------------------------------

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T extends HasMetadata> Optional<T> find(Class<T> type, String name) {
        return all(type).stream().filter(o -> o.getMetadata().getName().equals(name)).findFirst();
    }

    /** Every workload with a pod template: Deployments, StatefulSets and Jobs, by "Kind/name". */
    Map<String, PodTemplateSpec> podTemplates() {
        Map<String, PodTemplateSpec> result = new LinkedHashMap<>();
        all(Deployment.class).forEach(d -> result.put("Deployment/" + d.getMetadata().getName(), d.getSpec().getTemplate()));
        all(StatefulSet.class).forEach(s -> result.put("StatefulSet/" + s.getMetadata().getName(), s.getSpec().getTemplate()));
        all(Job.class).forEach(j -> result.put("Job/" + j.getMetadata().getName(), j.getSpec().getTemplate()));
        return result;
    }
}
