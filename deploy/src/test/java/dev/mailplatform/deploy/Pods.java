package dev.mailplatform.deploy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SecurityContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/** Helpers over pod specs: effective security settings and label selectors. */
final class Pods {

    private Pods() {
    }

    static List<Container> allContainers(PodSpec spec) {
        List<Container> all = new ArrayList<>();
        if (spec.getInitContainers() != null) {
            all.addAll(spec.getInitContainers());
        }
        all.addAll(spec.getContainers());
        return all;
    }

    /** The container's value, else the pod's (as the kubelet decides it). */
    static <T> T effective(PodSpec pod, Container c, Function<SecurityContext, T> container,
            Function<PodSecurityContext, T> podLevel) {
        T value = c.getSecurityContext() == null ? null : container.apply(c.getSecurityContext());
        if (value == null && pod.getSecurityContext() != null) {
            value = podLevel.apply(pod.getSecurityContext());
        }
        return value;
    }

    static Long runAsUser(PodSpec pod, Container c) {
        return effective(pod, c, SecurityContext::getRunAsUser, PodSecurityContext::getRunAsUser);
    }

    static Long runAsGroup(PodSpec pod, Container c) {
        return effective(pod, c, SecurityContext::getRunAsGroup, PodSecurityContext::getRunAsGroup);
    }

    static Boolean runAsNonRoot(PodSpec pod, Container c) {
        return effective(pod, c, SecurityContext::getRunAsNonRoot, PodSecurityContext::getRunAsNonRoot);
    }

    static String seccomp(PodSpec pod, Container c) {
        SeccompProfile p = effective(pod, c, SecurityContext::getSeccompProfile, PodSecurityContext::getSeccompProfile);
        return p == null ? null : p.getType();
    }

    /** A Kubernetes label selector against a set of labels; an empty selector matches everything. */
    static boolean matches(LabelSelector selector, Map<String, String> labels) {
        if (selector == null) {
            return false;
        }
        Map<String, String> l = labels == null ? Map.of() : labels;
        if (selector.getMatchLabels() != null) {
            for (Map.Entry<String, String> e : selector.getMatchLabels().entrySet()) {
                if (!Objects.equals(l.get(e.getKey()), e.getValue())) {
                    return false;
                }
            }
        }
        if (selector.getMatchExpressions() != null) {
            for (LabelSelectorRequirement r : selector.getMatchExpressions()) {
                String v = l.get(r.getKey());
                boolean ok = switch (r.getOperator()) {
                    case "In" -> v != null && r.getValues().contains(v);
                    case "NotIn" -> v == null || !r.getValues().contains(v);
                    case "Exists" -> l.containsKey(r.getKey());
                    case "DoesNotExist" -> !l.containsKey(r.getKey());
                    default -> throw new AssertionError("unknown selector operator " + r.getOperator());
                };
                if (!ok) {
                    return false;
                }
            }
        }
        return true;
    }

    /** A plain map selector (a Service's): every pair must be present; an empty one selects nothing. */
    static boolean matches(Map<String, String> selector, Map<String, String> labels) {
        if (selector == null || selector.isEmpty() || labels == null) {
            return false;
        }
        return selector.entrySet().stream().allMatch(e -> Objects.equals(labels.get(e.getKey()), e.getValue()));
    }

    static boolean isEmpty(LabelSelector s) {
        return s != null && (s.getMatchLabels() == null || s.getMatchLabels().isEmpty())
                && (s.getMatchExpressions() == null || s.getMatchExpressions().isEmpty());
    }
}
