package dev.mailplatform.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.IngressServiceBackend;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.Endpoint;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Renders every overlay of deploy/kubernetes with {@code kubectl kustomize} (plus one with every component), parses
 * each object strictly (fabric8 model) and checks the platform's rules: the service modules, their Dockerfiles,
 * application.properties and the manifests agree; probes, resources and security settings on every container;
 * references resolve; NetworkPolicies; production's replicas, HPAs, PDBs and spread.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ManifestsTest {

    /** The platform's images: IMAGE_PREFIX + module, tagged with the root pom's version. */
    static final String IMAGE_PREFIX = "mail-platform/";
    /** Who may call the store's gRPC API. */
    static final Set<String> STORE_CLIENTS = Set.of("imap-service", "pop3-service", "lmtp-service", "admin-ui");
    /** Production replicas; any other Deployment needs at least two. */
    static final Map<String, Integer> PRODUCTION_REPLICAS = Map.of("imap-service", 3, "pop3-service", 3,
            "lmtp-service", 3, "store-service", 2, "admin-ui", 2);
    /** The mail front ends: an HPA each in production and a long grace period for draining sessions. */
    static final Set<String> FRONT_ENDS = Set.of("imap-service", "pop3-service", "lmtp-service");
    /** The mail ports open to anyone (container port names). */
    static final Set<String> PUBLIC_PORTS = Set.of("imap", "imaps", "pop3", "pop3s");
    static final String LMTP_CLIENT_LABEL = "mail-platform.dev/lmtp-client";
    static final Map<Integer, Integer> PUBLIC_SERVICE_PORTS = Map.of(143, 1143, 993, 1993, 110, 1110, 995, 1995);

    Map<String, Manifests> overlays;
    String version;
    static final Set<String> NOTED = new HashSet<>();

    @BeforeAll
    void render() {
        Path copy = Kustomize.prepareCopy("render");
        overlays = Kustomize.renderAll(copy);
        version = Repo.projectVersion();
    }

    // ---- the overlays ------------------------------------------------------------------------------------------

    @Test
    void everyOverlayRendersAndParsesStrictly() {
        assertTrue(overlays.keySet().containsAll(List.of("dev", "production", "production-external",
                Kustomize.EVERY_COMPONENT)), "overlays rendered: " + overlays.keySet());
        for (Manifests m : overlays.values()) {
            assertTrue(m.objects.size() > 10, "overlay " + m.overlay + " rendered only " + m.objects.size() + " objects");
        }
        assertTrue(overlays.get("dev").find(StatefulSet.class, "postgres").isPresent(), "dev bundles PostgreSQL");
        Manifests external = overlays.get("production-external");
        assertTrue(external.find(StatefulSet.class, "postgres").isEmpty()
                && external.find(StatefulSet.class, "minio").isEmpty(),
                "components/external-data removes the bundled PostgreSQL and MinIO");
        assertTrue(overlays.get(Kustomize.EVERY_COMPONENT).all(ServiceMonitor.class).size() >= 5,
                "components/monitoring has a ServiceMonitor per service");
    }

    // ---- service modules, Dockerfiles, configuration ----------------------------------------------------------

    @Test
    void everyServiceModuleHasADeploymentAndADockerfile() {
        List<String> services = Repo.serviceModules();
        assertTrue(services.containsAll(List.of("store-service", "imap-service", "pop3-service")),
                "service modules found in the root pom: " + services);
        Problems p = new Problems();
        for (String module : services) {
            if (!Files.isRegularFile(Dockerfile.of(module))) {
                p.add("service module " + module + " has no Dockerfile: add " + Repo.rel(Dockerfile.of(module)));
            }
            for (Manifests m : overlays.values()) {
                if (m.find(Deployment.class, module).isEmpty()) {
                    p.add("overlay " + m.overlay + ": service module " + module
                            + " has no Deployment (add deploy/kubernetes/base/" + module + ".yaml to the base)");
                }
            }
        }
        for (Manifests m : overlays.values()) {
            for (Deployment d : platformDeployments(m)) {
                String name = d.getMetadata().getName();
                if (!Files.isRegularFile(Dockerfile.of(name))) {
                    p.add("overlay " + m.overlay + ": Deployment/" + name + " runs a platform image but "
                            + Repo.rel(Dockerfile.of(name)) + " does not exist");
                }
            }
        }
        p.check();
    }

    @Test
    void containersAgreeWithTheirDockerfileAndConfiguration() {
        Problems p = new Problems();
        for (Manifests m : overlays.values()) {
            for (Deployment d : platformDeployments(m)) {
                String name = d.getMetadata().getName();
                String where = "overlay " + m.overlay + ": Deployment/" + name + Manifests.originOf(d);
                PodSpec pod = d.getSpec().getTemplate().getSpec();
                if (pod.getContainers().size() != 1 || !pod.getContainers().get(0).getName().equals(name)) {
                    p.add(where + ": one container, named " + name + " (has " + pod.getContainers().size() + ")");
                    continue;
                }
                Container c = pod.getContainers().get(0);
                if (!Files.isRegularFile(Dockerfile.of(name))) {
                    continue; // reported by everyServiceModuleHasADeploymentAndADockerfile
                }
                Dockerfile df = Dockerfile.read(name);
                String dfName = Repo.rel(df.path());

                String expectedImage = IMAGE_PREFIX + name + ":" + version;
                if (!expectedImage.equals(c.getImage())) {
                    p.add(where + ": image " + c.getImage() + ", expected " + expectedImage
                            + " (the root pom's version; base/kustomization.yaml images:)");
                }
                for (String from : df.from()) {
                    if (!pinned(from)) {
                        p.add(dfName + ": FROM " + from + " is not pinned to a full version");
                    }
                }
                if (!Objects.equals(Pods.runAsUser(pod, c), df.uid())) {
                    p.add(where + ": runAsUser " + Pods.runAsUser(pod, c) + " but " + dfName + " has USER " + df.user());
                }
                if (df.gid() != null && !Objects.equals(Pods.runAsGroup(pod, c), df.gid())) {
                    p.add(where + ": runAsGroup " + Pods.runAsGroup(pod, c) + " but " + dfName + " has USER " + df.user());
                }

                Set<Integer> containerPorts = new TreeSet<>();
                Map<String, Integer> named = new LinkedHashMap<>();
                for (ContainerPort port : ports(c)) {
                    containerPorts.add(port.getContainerPort());
                    if (port.getName() != null) {
                        named.put(port.getName(), port.getContainerPort());
                    }
                }
                if (!containerPorts.equals(df.exposed())) {
                    p.add(where + ": container ports " + containerPorts + " but " + dfName + " EXPOSEs " + df.exposed());
                }

                Map<String, String> env = explicitEnv(c);
                Map<String, String> allEnv = new LinkedHashMap<>(df.env());
                allEnv.putAll(envFromValues(m, c));
                allEnv.putAll(env);
                for (Map.Entry<String, String> e : df.env().entrySet()) {
                    String value = env.get(e.getKey());
                    if (value != null && !e.getKey().equals("JAVA_TOOL_OPTIONS") && !value.equals(e.getValue())) {
                        p.add(where + ": env " + e.getKey() + "=" + value + " but " + dfName + " sets " + e.getValue());
                    }
                }
                String javaOptions = allEnv.getOrDefault("JAVA_TOOL_OPTIONS", "");
                if (!javaOptions.contains("-XX:MaxRAMPercentage=")) {
                    p.add(where + ": JAVA_TOOL_OPTIONS (" + dfName + " or the manifest) must size the heap from the"
                            + " container limit with -XX:MaxRAMPercentage");
                }

                for (Map.Entry<String, String> e : allEnv.entrySet()) {
                    if (e.getValue().startsWith("/") && !e.getKey().equals("JAVA_TOOL_OPTIONS")) {
                        String problem = fileFromVolume(m, pod, c, e.getValue());
                        if (problem != null) {
                            p.add(where + ": " + e.getKey() + "=" + e.getValue() + ": " + problem);
                        }
                    }
                }
                String storeHost = allEnv.get("MAIL_STORE_HOST");
                if (storeHost != null && !name.equals("store-service")) {
                    String storePort = allEnv.getOrDefault("MAIL_STORE_PORT", "9090");
                    Service s = m.find(Service.class, storeHost).orElse(null);
                    Deployment store = m.find(Deployment.class, "store-service").orElse(null);
                    boolean ok = s != null && store != null
                            && Pods.matches(s.getSpec().getSelector(), store.getSpec().getTemplate().getMetadata().getLabels())
                            && s.getSpec().getPorts().stream().anyMatch(sp -> String.valueOf(sp.getPort()).equals(storePort)
                            && Objects.equals(sp.getTargetPort().getStrVal(), "grpc"));
                    if (!ok) {
                        p.add(where + ": MAIL_STORE_HOST=" + storeHost + " MAIL_STORE_PORT=" + storePort
                                + " is not a Service port of store-service's gRPC port");
                    }
                }
                if (!Repo.isModule(name)) {
                    if (NOTED.add(name)) {
                        System.out.println("note: " + name + " is not a module of the root pom yet: its Deployment is"
                                + " checked against " + dfName + " only, not against application.properties");
                    }
                    continue;
                }
                String pom = Repo.read(Repo.ROOT.resolve(name).resolve("pom.xml"));
                for (String extension : List.of("quarkus-smallrye-health", "quarkus-micrometer-registry-prometheus")) {
                    if (!pom.contains("<artifactId>" + extension + "</artifactId>")) {
                        p.add(name + "/pom.xml lacks " + extension + ": the probes (/q/health/*) and the"
                                + " ServiceMonitors (/q/metrics) need it");
                    }
                }
                ServiceConfig config = ServiceConfig.of(name);
                String props = Repo.rel(config.propertiesFile);
                Set<String> envNames = new LinkedHashSet<>(df.env().keySet());
                envNames.addAll(envFromKeys(m, c));
                envNames.addAll(env.keySet());
                for (String e : envNames) {
                    if (!config.knownEnv.contains(e)) {
                        p.add(where + ": environment variable " + e + " (manifest or " + dfName + ") is not a"
                                + " configuration name of " + name + " (" + props + " or its @ConfigMapping)");
                    }
                }
                Set<Integer> expectedPorts = new TreeSet<>();
                Integer httpPort = null;
                for (ServiceConfig.Port port : config.ports) {
                    String value = port.env() == null ? null : allEnv.get(port.env());
                    String directKey = ServiceConfig.envName(port.key());
                    if (allEnv.containsKey(directKey)) {
                        value = allEnv.get(directKey);
                    }
                    int effective = value == null ? port.defaultValue() : Integer.parseInt(value.trim());
                    expectedPorts.add(effective);
                    if (port.key().equals("quarkus.http.port")) {
                        httpPort = effective;
                    }
                }
                if (!expectedPorts.equals(containerPorts)) {
                    p.add(where + ": container ports " + containerPorts + " but " + props
                            + " (with the environment of the manifest and " + dfName + ") listens on " + expectedPorts
                            + " " + config.ports);
                }
                if (httpPort == null) {
                    p.add(props + ": no quarkus.http.port=${ENV:port}: health and metrics need a known port");
                } else if (!Objects.equals(named.get("http"), httpPort)) {
                    p.add(where + ": the container port named http must be quarkus.http.port " + httpPort
                            + " (is " + named.get("http") + ")");
                }
            }
        }
        p.check();
    }

    // ---- every container --------------------------------------------------------------------------------------

    @Test
    void everyContainerHasProbes() {
        Problems p = new Problems();
        for (Manifests m : overlays.values()) {
            List<HasMetadata> longRunning = new ArrayList<>(m.all(Deployment.class));
            longRunning.addAll(m.all(StatefulSet.class));
            for (HasMetadata w : longRunning) {
                PodTemplateSpec t = w instanceof Deployment d ? d.getSpec().getTemplate()
                        : ((StatefulSet) w).getSpec().getTemplate();
                String where = "overlay " + m.overlay + ": " + w.getKind() + "/" + w.getMetadata().getName()
                        + Manifests.originOf(w);
                boolean platform = w instanceof Deployment d && isPlatform(d);
                for (Container c : t.getSpec().getContainers()) {
                    Map<String, Probe> probes = new LinkedHashMap<>();
                    probes.put("started", c.getStartupProbe());
                    probes.put("ready", c.getReadinessProbe());
                    probes.put("live", c.getLivenessProbe());
                    for (Map.Entry<String, Probe> e : probes.entrySet()) {
                        String kind = e.getKey().equals("started") ? "startup" : e.getKey().equals("ready") ? "readiness" : "liveness";
                        Probe probe = e.getValue();
                        if (probe == null) {
                            p.add(where + ": container " + c.getName() + " has no " + kind + "Probe");
                            continue;
                        }
                        if (!platform) {
                            continue;
                        }
                        HTTPGetAction get = probe.getHttpGet();
                        String path = "/q/health/" + e.getKey();
                        if (get == null || !path.equals(get.getPath())) {
                            p.add(where + ": " + kind + "Probe must be httpGet " + path);
                        } else if (!"http".equals(get.getPort().getStrVal())
                                && !Objects.equals(get.getPort().getIntVal(), portNumber(c, "http"))) {
                            p.add(where + ": " + kind + "Probe must use the port named http, not " + get.getPort());
                        }
                    }
                }
            }
        }
        p.check();
    }

    @Test
    void everyContainerIsLockedDownAndSized() {
        Problems p = new Problems();
        for (Manifests m : overlays.values()) {
            for (Map.Entry<String, PodTemplateSpec> w : m.podTemplates().entrySet()) {
                HasMetadata owner = owner(m, w.getKey());
                String where = "overlay " + m.overlay + ": " + w.getKey() + Manifests.originOf(owner);
                PodSpec pod = w.getValue().getSpec();
                if (owner instanceof Deployment d && isPlatform(d) && !Boolean.FALSE.equals(pod.getEnableServiceLinks())) {
                    p.add(where + ": enableServiceLinks must be false (a Service named mail-... would inject MAIL_*"
                            + " variables that the service reads as configuration)");
                }
                if (!Boolean.FALSE.equals(pod.getAutomountServiceAccountToken())) {
                    p.add(where + ": automountServiceAccountToken must be false (no pod needs the API)");
                }
                if (Boolean.TRUE.equals(pod.getHostNetwork()) || Boolean.TRUE.equals(pod.getHostPID())
                        || Boolean.TRUE.equals(pod.getHostIPC())) {
                    p.add(where + ": uses a host namespace");
                }
                for (Container c : Pods.allContainers(pod)) {
                    String cw = where + " container " + c.getName();
                    if (!Boolean.TRUE.equals(Pods.runAsNonRoot(pod, c))) {
                        p.add(cw + ": runAsNonRoot must be true");
                    }
                    Long uid = Pods.runAsUser(pod, c);
                    if (uid == null || uid == 0) {
                        p.add(cw + ": needs a fixed non-root runAsUser (is " + uid + ")");
                    }
                    Long gid = Pods.runAsGroup(pod, c);
                    if (gid == null || gid == 0) {
                        p.add(cw + ": needs a fixed non-root runAsGroup (is " + gid + ")");
                    }
                    var sc = c.getSecurityContext();
                    if (sc == null) {
                        p.add(cw + ": no securityContext");
                        continue;
                    }
                    if (!Boolean.FALSE.equals(sc.getAllowPrivilegeEscalation())) {
                        p.add(cw + ": allowPrivilegeEscalation must be false");
                    }
                    if (Boolean.TRUE.equals(sc.getPrivileged())) {
                        p.add(cw + ": privileged");
                    }
                    if (!Boolean.TRUE.equals(sc.getReadOnlyRootFilesystem())) {
                        p.add(cw + ": readOnlyRootFilesystem must be true");
                    }
                    if (sc.getCapabilities() == null || sc.getCapabilities().getDrop() == null
                            || !sc.getCapabilities().getDrop().contains("ALL")
                            || (sc.getCapabilities().getAdd() != null && !sc.getCapabilities().getAdd().isEmpty())) {
                        p.add(cw + ": capabilities must drop ALL and add none");
                    }
                    if (!"RuntimeDefault".equals(Pods.seccomp(pod, c))) {
                        p.add(cw + ": seccompProfile must be RuntimeDefault (is " + Pods.seccomp(pod, c) + ")");
                    }
                    if (!pinned(c.getImage())) {
                        p.add(cw + ": image " + c.getImage() + " is not pinned (a version tag or a digest; never latest)");
                    }
                    checkResources(c.getResources(), cw, p);
                    if (owner instanceof Deployment d && isPlatform(d)) {
                        VolumeMount tmp = c.getVolumeMounts() == null ? null
                                : c.getVolumeMounts().stream().filter(v -> "/tmp".equals(v.getMountPath())).findFirst().orElse(null);
                        Volume vol = tmp == null ? null
                                : pod.getVolumes().stream().filter(v -> v.getName().equals(tmp.getName())).findFirst().orElse(null);
                        if (vol == null || vol.getEmptyDir() == null) {
                            p.add(cw + ": needs an emptyDir on /tmp (the root filesystem is read-only)");
                        }
                    }
                }
            }
            for (Namespace ns : m.all(Namespace.class)) {
                Map<String, String> labels = ns.getMetadata().getLabels();
                if (labels == null || !"restricted".equals(labels.get("pod-security.kubernetes.io/enforce"))) {
                    p.add("overlay " + m.overlay + ": Namespace/" + ns.getMetadata().getName()
                            + " must enforce the restricted Pod Security Standard");
                }
            }
        }
        p.check();
    }

    @Test
    void rolloutsDrainAndNeverDropCapacity() {
        Problems p = new Problems();
        for (Manifests m : overlays.values()) {
            for (Deployment d : platformDeployments(m)) {
                String name = d.getMetadata().getName();
                String where = "overlay " + m.overlay + ": Deployment/" + name + Manifests.originOf(d);
                Long grace = d.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds();
                long min = FRONT_ENDS.contains(name) || name.equals("store-service") ? 60 : 30;
                if (grace == null || grace < min) {
                    p.add(where + ": terminationGracePeriodSeconds " + grace + ", at least " + min + " to drain");
                }
                var strategy = d.getSpec().getStrategy();
                if (strategy == null || strategy.getRollingUpdate() == null
                        || !Objects.equals(strategy.getRollingUpdate().getMaxUnavailable(), new IntOrString(0))) {
                    p.add(where + ": rolling updates must keep every replica (maxUnavailable: 0)");
                }
            }
        }
        p.check();
    }

    // ---- references -------------------------------------------------------------------------------------------

    @Test
    void everyReferenceResolves() {
        Problems p = new Problems();
        for (Manifests m : overlays.values()) {
            Map<String, PodTemplateSpec> pods = m.podTemplates();
            for (Service s : m.all(Service.class)) {
                String where = "overlay " + m.overlay + ": Service/" + s.getMetadata().getName() + Manifests.originOf(s);
                List<PodTemplateSpec> selected = pods.values().stream()
                        .filter(t -> Pods.matches(s.getSpec().getSelector(), t.getMetadata().getLabels())).toList();
                if (selected.isEmpty()) {
                    p.add(where + ": selector " + s.getSpec().getSelector() + " matches no workload");
                    continue;
                }
                for (ServicePort port : s.getSpec().getPorts()) {
                    IntOrString target = port.getTargetPort() == null ? new IntOrString(port.getPort()) : port.getTargetPort();
                    boolean found = selected.stream().flatMap(t -> t.getSpec().getContainers().stream())
                            .flatMap(c -> ports(c).stream())
                            .anyMatch(cp -> target.getStrVal() != null ? target.getStrVal().equals(cp.getName())
                                    : Objects.equals(target.getIntVal(), cp.getContainerPort()));
                    if (!found) {
                        p.add(where + ": port " + port.getName() + " targets " + target
                                + ", which is no container port of the selected pods");
                    }
                    if (target.getIntVal() != null) {
                        p.add(where + ": port " + port.getName() + " should target a named container port");
                    }
                }
            }
            for (Ingress ing : m.all(Ingress.class)) {
                for (IngressRule rule : ing.getSpec().getRules()) {
                    for (HTTPIngressPath path : rule.getHttp().getPaths()) {
                        IngressServiceBackend b = path.getBackend().getService();
                        Service s = m.find(Service.class, b.getName()).orElse(null);
                        if (s == null || s.getSpec().getPorts().stream().noneMatch(sp -> b.getPort().getName() != null
                                ? b.getPort().getName().equals(sp.getName()) : Objects.equals(b.getPort().getNumber(), sp.getPort()))) {
                            p.add("overlay " + m.overlay + ": Ingress/" + ing.getMetadata().getName()
                                    + " points at a Service port that does not exist: " + b.getName() + ":" + b.getPort());
                        }
                    }
                }
                ing.getSpec().getTls().forEach(tls -> requireSecret(m, tls.getSecretName(), null,
                        "Ingress/" + ing.getMetadata().getName(), p));
            }
            for (HorizontalPodAutoscaler h : m.all(HorizontalPodAutoscaler.class)) {
                var ref = h.getSpec().getScaleTargetRef();
                if (!"Deployment".equals(ref.getKind()) || m.find(Deployment.class, ref.getName()).isEmpty()) {
                    p.add("overlay " + m.overlay + ": HPA/" + h.getMetadata().getName() + " scales a missing "
                            + ref.getKind() + "/" + ref.getName());
                }
            }
            for (StatefulSet s : m.all(StatefulSet.class)) {
                if (m.find(Service.class, s.getSpec().getServiceName()).isEmpty()) {
                    p.add("overlay " + m.overlay + ": StatefulSet/" + s.getMetadata().getName() + " has no Service "
                            + s.getSpec().getServiceName());
                }
            }
            for (ServiceMonitor sm : m.all(ServiceMonitor.class)) {
                List<Service> services = m.all(Service.class).stream()
                        .filter(s -> Pods.matches(sm.getSpec().getSelector(), s.getMetadata().getLabels())).toList();
                for (Endpoint e : sm.getSpec().getEndpoints()) {
                    if (services.stream().noneMatch(s -> s.getSpec().getPorts().stream().anyMatch(sp -> e.getPort().equals(sp.getName())))) {
                        p.add("overlay " + m.overlay + ": ServiceMonitor/" + sm.getMetadata().getName()
                                + " selects no Service with a port named " + e.getPort());
                    }
                    if (!"/q/metrics".equals(e.getPath())) {
                        p.add("overlay " + m.overlay + ": ServiceMonitor/" + sm.getMetadata().getName() + " path must be /q/metrics");
                    }
                }
            }
            for (Map.Entry<String, PodTemplateSpec> w : pods.entrySet()) {
                String where = w.getKey();
                PodSpec pod = w.getValue().getSpec();
                for (Container c : Pods.allContainers(pod)) {
                    for (EnvVar e : c.getEnv() == null ? List.<EnvVar>of() : c.getEnv()) {
                        if (e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null) {
                            var ref = e.getValueFrom().getSecretKeyRef();
                            requireSecret(m, ref.getName(), ref.getKey(), where + " env " + e.getName(), p);
                        }
                        if (e.getValueFrom() != null && e.getValueFrom().getConfigMapKeyRef() != null) {
                            var ref = e.getValueFrom().getConfigMapKeyRef();
                            ConfigMap cm = m.find(ConfigMap.class, ref.getName()).orElse(null);
                            if (cm == null || cm.getData() == null || !cm.getData().containsKey(ref.getKey())) {
                                p.add("overlay " + m.overlay + ": " + where + " env " + e.getName()
                                        + " refers to a missing ConfigMap key " + ref.getName() + "/" + ref.getKey());
                            }
                        }
                    }
                    envFromKeys(m, c); // resolves, or fails
                    for (EnvFromSource from : c.getEnvFrom() == null ? List.<EnvFromSource>of() : c.getEnvFrom()) {
                        if (from.getConfigMapRef() != null && m.find(ConfigMap.class, from.getConfigMapRef().getName()).isEmpty()) {
                            p.add("overlay " + m.overlay + ": " + where + " envFrom a missing ConfigMap " + from.getConfigMapRef().getName());
                        }
                        if (from.getSecretRef() != null) {
                            requireSecret(m, from.getSecretRef().getName(), null, where + " envFrom", p);
                        }
                    }
                    Set<String> volumes = pod.getVolumes() == null ? Set.of()
                            : pod.getVolumes().stream().map(Volume::getName).collect(Collectors.toSet());
                    for (VolumeMount vm : c.getVolumeMounts() == null ? List.<VolumeMount>of() : c.getVolumeMounts()) {
                        boolean claim = owner(m, where) instanceof StatefulSet s && s.getSpec().getVolumeClaimTemplates()
                                .stream().anyMatch(v -> v.getMetadata().getName().equals(vm.getName()));
                        if (!volumes.contains(vm.getName()) && !claim) {
                            p.add("overlay " + m.overlay + ": " + where + " mounts a missing volume " + vm.getName());
                        }
                    }
                }
                for (Volume v : pod.getVolumes() == null ? List.<Volume>of() : pod.getVolumes()) {
                    if (v.getSecret() != null) {
                        requireSecret(m, v.getSecret().getSecretName(), null, where + " volume " + v.getName(), p);
                    }
                }
            }
        }
        p.check();
    }

    @Test
    void theMailPortsLmtpAndConsoleAreExposed() {
        Problems p = new Problems();
        for (Manifests m : overlays.values()) {
            Map<String, PodTemplateSpec> pods = m.podTemplates();
            List<Service> lbs = m.all(Service.class).stream().filter(s -> "LoadBalancer".equals(s.getSpec().getType())).toList();
            Map<Integer, Integer> exposed = new LinkedHashMap<>();
            for (Service s : lbs) {
                for (ServicePort sp : s.getSpec().getPorts()) {
                    pods.values().stream().filter(t -> Pods.matches(s.getSpec().getSelector(), t.getMetadata().getLabels()))
                            .flatMap(t -> t.getSpec().getContainers().stream()).flatMap(c -> ports(c).stream())
                            .filter(cp -> cp.getName() != null && cp.getName().equals(sp.getTargetPort().getStrVal()))
                            .forEach(cp -> exposed.put(sp.getPort(), cp.getContainerPort()));
                }
            }
            if (!exposed.equals(PUBLIC_SERVICE_PORTS)) {
                p.add("overlay " + m.overlay + ": the LoadBalancer must map exactly " + PUBLIC_SERVICE_PORTS
                        + " (service port to container port), maps " + exposed);
            }
            requireClusterIp(m, "store-service", 9090, "grpc", p);
            requireClusterIp(m, "lmtp-service", 24, "lmtp", p);
            requireClusterIp(m, "admin-ui", 8080, "http", p);
            if (m.all(Ingress.class).stream().noneMatch(i -> i.getSpec().getRules().stream()
                    .flatMap(r -> r.getHttp().getPaths().stream())
                    .anyMatch(path -> path.getBackend().getService().getName().equals("admin-ui")))) {
                p.add("overlay " + m.overlay + ": no Ingress for the console (admin-ui)");
            }
        }
        p.check();
    }

    // ---- network policies -------------------------------------------------------------------------------------

    @Test
    void networkPoliciesDenyByDefaultAndAllowOnlyThePlatformsPaths() {
        Problems p = new Problems();
        for (Manifests m : overlays.values()) {
            String o = "overlay " + m.overlay + ": ";
            List<NetworkPolicy> policies = m.all(NetworkPolicy.class);
            boolean defaultDeny = policies.stream().anyMatch(np -> Pods.isEmpty(np.getSpec().getPodSelector())
                    && np.getSpec().getPolicyTypes().containsAll(List.of("Ingress", "Egress"))
                    && (np.getSpec().getIngress() == null || np.getSpec().getIngress().isEmpty())
                    && (np.getSpec().getEgress() == null || np.getSpec().getEgress().isEmpty()));
            if (!defaultDeny) {
                p.add(o + "no default-deny NetworkPolicy (empty podSelector, Ingress and Egress, no rules)");
            }
            Map<String, PodTemplateSpec> pods = m.podTemplates();
            for (Map.Entry<String, PodTemplateSpec> w : pods.entrySet()) {
                Map<String, String> labels = w.getValue().getMetadata().getLabels();
                if (policies.stream().noneMatch(np -> !Pods.isEmpty(np.getSpec().getPodSelector())
                        && Pods.matches(np.getSpec().getPodSelector(), labels))) {
                    p.add(o + w.getKey() + " is covered by no NetworkPolicy of its own");
                }
                String name = w.getKey().substring(w.getKey().indexOf('/') + 1);
                List<NetworkPolicyIngressRule> ingress = ingressRules(policies, labels);
                for (NetworkPolicyIngressRule rule : ingress) {
                    List<NetworkPolicyPeer> from = rule.getFrom() == null ? List.of() : rule.getFrom();
                    if (from.isEmpty()) {
                        Set<String> portNames = new TreeSet<>();
                        for (NetworkPolicyPort np : rule.getPorts() == null ? List.<NetworkPolicyPort>of() : rule.getPorts()) {
                            portNames.add(np.getPort() == null ? "*" : np.getPort().getStrVal() != null
                                    ? np.getPort().getStrVal() : portName(w.getValue(), np.getPort().getIntVal()));
                        }
                        if (portNames.isEmpty() || !PUBLIC_PORTS.containsAll(portNames)) {
                            p.add(o + w.getKey() + " accepts anyone on " + (portNames.isEmpty() ? "every port" : portNames)
                                    + ": only the mail ports " + PUBLIC_PORTS + " may be open to all");
                        }
                        continue;
                    }
                    for (NetworkPolicyPeer peer : from) {
                        if (peer.getIpBlock() != null) {
                            p.add(o + w.getKey() + " accepts an ipBlock " + peer.getIpBlock().getCidr());
                        }
                    }
                }
                Set<String> allowedSources = switch (name) {
                    case "store-service" -> STORE_CLIENTS;
                    case "postgres" -> Set.of("store-service");
                    case "minio" -> Set.of("store-service", "minio-bucket");
                    default -> null;
                };
                String guardedPort = switch (name) {
                    case "store-service" -> "grpc";
                    case "postgres" -> "postgres";
                    case "minio" -> "s3";
                    case "lmtp-service" -> "lmtp";
                    default -> null;
                };
                if (allowedSources != null) {
                    for (NetworkPolicyIngressRule rule : ingress) {
                        if (!covers(rule, guardedPort, w.getValue())) {
                            continue; // e.g. Prometheus on the metrics port
                        }
                        for (NetworkPolicyPeer peer : rule.getFrom() == null ? List.<NetworkPolicyPeer>of() : rule.getFrom()) {
                            if (peer.getNamespaceSelector() != null || peer.getPodSelector() == null) {
                                p.add(o + w.getKey() + " may be reached from outside the platform's pods: " + peer);
                                continue;
                            }
                            for (Map.Entry<String, PodTemplateSpec> src : pods.entrySet()) {
                                String srcName = src.getKey().substring(src.getKey().indexOf('/') + 1);
                                if (Pods.matches(peer.getPodSelector(), src.getValue().getMetadata().getLabels())
                                        && !allowedSources.contains(srcName)) {
                                    p.add(o + w.getKey() + " may be reached by " + src.getKey() + ": only " + allowedSources);
                                }
                            }
                        }
                    }
                }
                if (name.equals("lmtp-service")) {
                    for (NetworkPolicyIngressRule rule : ingress) {
                        if (!covers(rule, guardedPort, w.getValue())) {
                            continue;
                        }
                        for (NetworkPolicyPeer peer : rule.getFrom() == null ? List.<NetworkPolicyPeer>of() : rule.getFrom()) {
                            boolean podLabel = peer.getPodSelector() != null && peer.getPodSelector().getMatchLabels() != null
                                    && "true".equals(peer.getPodSelector().getMatchLabels().get(LMTP_CLIENT_LABEL));
                            boolean nsLabel = peer.getNamespaceSelector() == null
                                    || (peer.getNamespaceSelector().getMatchLabels() != null
                                    && "true".equals(peer.getNamespaceSelector().getMatchLabels().get(LMTP_CLIENT_LABEL)));
                            if (!podLabel || !nsLabel) {
                                p.add(o + "lmtp-service accepts a peer without the label " + LMTP_CLIENT_LABEL
                                        + "=true on its pods (and namespace): " + peer);
                            }
                        }
                    }
                }
                if (name.equals("admin-ui")) {
                    for (NetworkPolicyIngressRule rule : ingress) {
                        for (NetworkPolicyPeer peer : rule.getFrom() == null ? List.<NetworkPolicyPeer>of() : rule.getFrom()) {
                            if (peer.getNamespaceSelector() == null || Pods.isEmpty(peer.getNamespaceSelector())) {
                                p.add(o + "admin-ui may be reached other than from a named namespace (the ingress"
                                        + " controller's): " + peer);
                            }
                        }
                    }
                }
            }
            // The paths that must stay open: callers to the store, the store to its data.
            Map<String, String> byName = new LinkedHashMap<>();
            pods.keySet().forEach(k -> byName.put(k.substring(k.indexOf('/') + 1), k));
            BiConsumer<String, String> mustReach = (from, to) -> {
                if (!byName.containsKey(from) || !byName.containsKey(to)) {
                    return;
                }
                Map<String, String> src = pods.get(byName.get(from)).getMetadata().getLabels();
                Map<String, String> dst = pods.get(byName.get(to)).getMetadata().getLabels();
                boolean egress = egressRules(policies, src).stream().anyMatch(r -> r.getTo() == null || r.getTo().isEmpty()
                        || r.getTo().stream().anyMatch(peer -> peer.getPodSelector() != null && peer.getNamespaceSelector() == null
                        && Pods.matches(peer.getPodSelector(), dst)));
                boolean ingressOk = ingressRules(policies, dst).stream().anyMatch(r -> r.getFrom() != null
                        && r.getFrom().stream().anyMatch(peer -> peer.getPodSelector() != null && peer.getNamespaceSelector() == null
                        && Pods.matches(peer.getPodSelector(), src)));
                if (!egress || !ingressOk) {
                    p.add(o + from + " cannot reach " + to + " (egress allowed: " + egress + ", ingress allowed: " + ingressOk + ")");
                }
            };
            STORE_CLIENTS.forEach(client -> mustReach.accept(client, "store-service"));
            mustReach.accept("store-service", "postgres");
            mustReach.accept("store-service", "minio");
            mustReach.accept("minio-bucket", "minio");
            if (byName.containsKey("store-service") && !byName.containsKey("postgres")
                    && egressRules(policies, pods.get(byName.get("store-service")).getMetadata().getLabels()).stream()
                    .noneMatch(r -> r.getPorts() != null && r.getPorts().stream().anyMatch(pp -> Objects.equals(pp.getPort(), new IntOrString(5432))))) {
                p.add(o + "store-service may not reach an external PostgreSQL (no egress on 5432)");
            }
        }
        p.check();
    }

    // ---- overlays: dev and production -------------------------------------------------------------------------

    @Test
    void devRunsOneReplicaOfEverything() {
        Manifests dev = overlays.get("dev");
        Problems p = new Problems();
        for (Deployment d : dev.all(Deployment.class)) {
            if (!Objects.equals(d.getSpec().getReplicas(), 1)) {
                p.add("overlay dev: Deployment/" + d.getMetadata().getName() + " has " + d.getSpec().getReplicas() + " replicas, not 1");
            }
        }
        if (!dev.all(HorizontalPodAutoscaler.class).isEmpty()) {
            p.add("overlay dev: no HPA expected");
        }
        p.check();
    }

    @Test
    void productionHasReplicasAutoscalingBudgetsAndSpread() {
        Problems p = new Problems();
        for (Manifests m : overlays.values()) {
            if (m.overlay.equals("dev")) {
                continue;
            }
            String o = "overlay " + m.overlay + ": ";
            for (Deployment d : m.all(Deployment.class)) {
                String name = d.getMetadata().getName();
                Integer replicas = d.getSpec().getReplicas();
                Integer expected = PRODUCTION_REPLICAS.get(name);
                if (expected != null ? !expected.equals(replicas) : replicas == null || replicas < 2) {
                    p.add(o + "Deployment/" + name + " has " + replicas + " replicas, expected "
                            + (expected != null ? expected : "at least 2"));
                }
                Map<String, String> labels = d.getSpec().getTemplate().getMetadata().getLabels();
                List<PodDisruptionBudget> pdbs = m.all(PodDisruptionBudget.class).stream()
                        .filter(b -> Pods.matches(b.getSpec().getSelector(), labels)).toList();
                if (pdbs.size() != 1) {
                    p.add(o + "Deployment/" + name + " needs exactly one PodDisruptionBudget (has " + pdbs.size() + ")");
                } else {
                    var spec = pdbs.get(0).getSpec();
                    boolean allowsOne = spec.getMaxUnavailable() != null
                            ? !Objects.equals(spec.getMaxUnavailable(), new IntOrString(0))
                            : spec.getMinAvailable() != null && spec.getMinAvailable().getIntVal() != null
                            && replicas != null && spec.getMinAvailable().getIntVal() < replicas;
                    if (!allowsOne) {
                        p.add(o + "PodDisruptionBudget/" + pdbs.get(0).getMetadata().getName()
                                + " must let one pod go at a time (or no node can be drained)");
                    }
                }
                List<TopologySpreadConstraint> spread = d.getSpec().getTemplate().getSpec().getTopologySpreadConstraints();
                for (String key : List.of("kubernetes.io/hostname", "topology.kubernetes.io/zone")) {
                    boolean ok = spread != null && spread.stream().anyMatch(t -> key.equals(t.getTopologyKey())
                            && Pods.matches(t.getLabelSelector(), labels) && t.getMaxSkew() != null && t.getMaxSkew() >= 1);
                    if (!ok) {
                        p.add(o + "Deployment/" + name + " is not spread over " + key
                                + " (a topologySpreadConstraint whose labelSelector matches its pods)");
                    }
                }
                if (FRONT_ENDS.contains(name)) {
                    List<HorizontalPodAutoscaler> hpas = m.all(HorizontalPodAutoscaler.class).stream()
                            .filter(h -> name.equals(h.getSpec().getScaleTargetRef().getName())).toList();
                    if (hpas.size() != 1) {
                        p.add(o + "Deployment/" + name + " needs one HorizontalPodAutoscaler (has " + hpas.size() + ")");
                        continue;
                    }
                    var h = hpas.get(0).getSpec();
                    boolean cpu = h.getMetrics() != null && h.getMetrics().stream().map(MetricSpec::getResource)
                            .anyMatch(r -> r != null && "cpu".equals(r.getName()));
                    if (!cpu || h.getMinReplicas() == null || replicas == null || h.getMinReplicas() < replicas
                            || h.getMaxReplicas() <= h.getMinReplicas()) {
                        p.add(o + "HPA for " + name + " must scale on CPU from at least the " + replicas
                                + " replicas upwards (min " + h.getMinReplicas() + ", max " + h.getMaxReplicas() + ")");
                    }
                }
            }
        }
        p.check();
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    static boolean isPlatform(Deployment d) {
        return d.getSpec().getTemplate().getSpec().getContainers().stream()
                .anyMatch(c -> c.getImage() != null && c.getImage().startsWith(IMAGE_PREFIX));
    }

    static List<Deployment> platformDeployments(Manifests m) {
        return m.all(Deployment.class).stream().filter(ManifestsTest::isPlatform).toList();
    }

    /** A version tag (digits in it, not latest) or a digest. */
    static boolean pinned(String image) {
        if (image == null) {
            return false;
        }
        if (image.contains("@sha256:")) {
            return true;
        }
        String last = image.substring(image.lastIndexOf('/') + 1);
        int colon = last.indexOf(':');
        if (colon < 0) {
            return false;
        }
        String tag = last.substring(colon + 1);
        // a version (17.6, 0.1.0-SNAPSHOT, 17.0.16_8-jre) or a dated release (RELEASE.2025-04-22T22-12-26Z)
        return !tag.toLowerCase().contains("latest")
                && (tag.matches(".*\\d+\\.\\d+.*") || tag.matches(".*\\d{4}-\\d{2}-\\d{2}.*"));
    }

    static List<ContainerPort> ports(Container c) {
        return c.getPorts() == null ? List.of() : c.getPorts();
    }

    static Integer portNumber(Container c, String name) {
        return ports(c).stream().filter(p -> name.equals(p.getName())).map(ContainerPort::getContainerPort).findFirst().orElse(null);
    }

    static String portName(PodTemplateSpec t, Integer number) {
        return t.getSpec().getContainers().stream().flatMap(c -> ports(c).stream())
                .filter(cp -> Objects.equals(cp.getContainerPort(), number)).map(ContainerPort::getName)
                .filter(Objects::nonNull).findFirst().orElse(String.valueOf(number));
    }

    static Map<String, String> explicitEnv(Container c) {
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvVar e : c.getEnv() == null ? List.<EnvVar>of() : c.getEnv()) {
            env.put(e.getName(), e.getValue() == null ? "<from " + (e.getValueFrom() != null ? "ref" : "nothing") + ">" : e.getValue());
        }
        return env;
    }

    /** The names envFrom brings in: every key of the ConfigMaps and Secrets it names. */
    static Set<String> envFromKeys(Manifests m, Container c) {
        Set<String> keys = new LinkedHashSet<>();
        for (EnvFromSource from : c.getEnvFrom() == null ? List.<EnvFromSource>of() : c.getEnvFrom()) {
            String prefix = from.getPrefix() == null ? "" : from.getPrefix();
            if (from.getConfigMapRef() != null) {
                m.find(ConfigMap.class, from.getConfigMapRef().getName())
                        .ifPresent(cm -> cm.getData().keySet().forEach(k -> keys.add(prefix + k)));
            }
            if (from.getSecretRef() != null) {
                m.find(Secret.class, from.getSecretRef().getName())
                        .ifPresent(s -> s.getData().keySet().forEach(k -> keys.add(prefix + k)));
            }
        }
        return keys;
    }

    static Map<String, String> envFromValues(Manifests m, Container c) {
        Map<String, String> values = new LinkedHashMap<>();
        for (EnvFromSource from : c.getEnvFrom() == null ? List.<EnvFromSource>of() : c.getEnvFrom()) {
            if (from.getConfigMapRef() != null) {
                m.find(ConfigMap.class, from.getConfigMapRef().getName()).ifPresent(cm -> cm.getData()
                        .forEach((k, v) -> values.put((from.getPrefix() == null ? "" : from.getPrefix()) + k, v)));
            }
        }
        return values;
    }

    /**
     * Why a file the service is told to read would not be there: no volume mounted above it, or a Secret/ConfigMap
     * volume without that key. Null when it is there.
     */
    static String fileFromVolume(Manifests m, PodSpec pod, Container c, String file) {
        VolumeMount mount = c.getVolumeMounts() == null ? null : c.getVolumeMounts().stream()
                .filter(vm -> file.startsWith(vm.getMountPath().endsWith("/") ? vm.getMountPath() : vm.getMountPath() + "/"))
                .max((a, b) -> Integer.compare(a.getMountPath().length(), b.getMountPath().length())).orElse(null);
        if (mount == null) {
            return "no volume is mounted above it (the root filesystem holds only the image)";
        }
        String key = file.substring(mount.getMountPath().length()).replaceFirst("^/", "");
        Volume v = pod.getVolumes().stream().filter(vol -> vol.getName().equals(mount.getName())).findFirst().orElse(null);
        if (v == null) {
            return "the volume " + mount.getName() + " does not exist";
        }
        if (v.getSecret() != null) {
            Secret s = m.find(Secret.class, v.getSecret().getSecretName()).orElse(null);
            boolean present = s != null && (v.getSecret().getItems() == null || v.getSecret().getItems().isEmpty()
                    ? s.getData() != null && s.getData().containsKey(key)
                    : v.getSecret().getItems().stream().anyMatch(i -> i.getPath().equals(key)));
            return present ? null : "Secret " + v.getSecret().getSecretName() + " mounted at " + mount.getMountPath()
                    + " has no key " + key;
        }
        if (v.getConfigMap() != null) {
            ConfigMap cm = m.find(ConfigMap.class, v.getConfigMap().getName()).orElse(null);
            return cm != null && cm.getData() != null && cm.getData().containsKey(key) ? null
                    : "ConfigMap " + v.getConfigMap().getName() + " has no key " + key;
        }
        return null;
    }

    static void requireSecret(Manifests m, String name, String key, String where, Problems p) {
        Secret s = m.find(Secret.class, name).orElse(null);
        if (s == null) {
            p.add("overlay " + m.overlay + ": " + where + " refers to a missing Secret " + name);
        } else if (key != null && (s.getData() == null || !s.getData().containsKey(key))) {
            p.add("overlay " + m.overlay + ": " + where + " refers to a missing key " + key + " of Secret " + name);
        }
    }

    static void requireClusterIp(Manifests m, String name, int port, String targetPort, Problems p) {
        Service s = m.find(Service.class, name).orElse(null);
        if (s == null || !"ClusterIP".equals(s.getSpec().getType()) || s.getSpec().getPorts().stream()
                .noneMatch(sp -> sp.getPort() == port && targetPort.equals(sp.getTargetPort().getStrVal()))) {
            p.add("overlay " + m.overlay + ": needs a ClusterIP Service " + name + " with port " + port + " to "
                    + targetPort);
        }
    }

    static HasMetadata owner(Manifests m, String kindAndName) {
        String kind = kindAndName.substring(0, kindAndName.indexOf('/'));
        String name = kindAndName.substring(kindAndName.indexOf('/') + 1);
        return m.objects.stream().filter(o -> o.getKind().equals(kind) && o.getMetadata().getName().equals(name))
                .findFirst().orElseThrow();
    }

    /** Whether an ingress rule opens the container port of this name (no ports listed: every port). */
    static boolean covers(NetworkPolicyIngressRule rule, String portName, PodTemplateSpec pod) {
        if (rule.getPorts() == null || rule.getPorts().isEmpty()) {
            return true;
        }
        Integer number = pod.getSpec().getContainers().stream().map(c -> portNumber(c, portName))
                .filter(Objects::nonNull).findFirst().orElse(null);
        return rule.getPorts().stream().anyMatch(pp -> pp.getPort() == null || portName.equals(pp.getPort().getStrVal())
                || (pp.getPort().getIntVal() != null && pp.getPort().getIntVal().equals(number)));
    }

    static List<NetworkPolicyIngressRule> ingressRules(List<NetworkPolicy> policies, Map<String, String> labels) {
        List<NetworkPolicyIngressRule> result = new ArrayList<>();
        for (NetworkPolicy np : policies) {
            if (Pods.matches(np.getSpec().getPodSelector(), labels) && np.getSpec().getIngress() != null) {
                result.addAll(np.getSpec().getIngress());
            }
        }
        return result;
    }

    static List<NetworkPolicyEgressRule> egressRules(List<NetworkPolicy> policies, Map<String, String> labels) {
        List<NetworkPolicyEgressRule> result = new ArrayList<>();
        for (NetworkPolicy np : policies) {
            if (Pods.matches(np.getSpec().getPodSelector(), labels) && np.getSpec().getEgress() != null) {
                result.addAll(np.getSpec().getEgress());
            }
        }
        return result;
    }

    static void checkResources(ResourceRequirements r, String where, Problems p) {
        if (r == null || r.getRequests() == null || r.getLimits() == null) {
            p.add(where + ": needs resource requests and limits");
            return;
        }
        for (String res : List.of("cpu", "memory")) {
            Quantity req = r.getRequests().get(res);
            Quantity lim = r.getLimits().get(res);
            if (req == null || lim == null) {
                p.add(where + ": needs a " + res + " request and limit");
                continue;
            }
            BigDecimal a = req.getNumericalAmount();
            BigDecimal b = lim.getNumericalAmount();
            if (a.compareTo(b) > 0) {
                p.add(where + ": " + res + " request " + req + " above its limit " + lim);
            }
        }
    }

    /** Collects every problem of a check, so one run shows them all. */
    static final class Problems {
        private final List<String> list = new ArrayList<>();

        void add(String problem) {
            list.add(problem);
        }

        void check() {
            if (!list.isEmpty()) {
                fail(list.size() + " problem(s):\n  " + String.join("\n  ", new LinkedHashSet<>(list)));
            }
        }
    }

    @Test
    void theProjectVersionIsReadable() {
        assertEquals(version, version.trim());
        assertTrue(version.matches("\\d+\\.\\d+\\.\\d+.*"), "root pom version " + version);
    }
}
