package dev.mailplatform.admin.security;

import io.quarkus.qute.TemplateData;
import java.util.Set;

/**
 * The administrator a request acts for. A super-admin sees everything; a domain-admin only its domains (by id).
 * {@code csrf} is the session's form token; null for a bearer-token request, which needs none.
 */
@TemplateData
public record Principal(long id, String username, boolean superAdmin, Set<Long> domainIds, String csrf) {

    public boolean canSee(long domainId) {
        return superAdmin || domainIds.contains(domainId);
    }
}
