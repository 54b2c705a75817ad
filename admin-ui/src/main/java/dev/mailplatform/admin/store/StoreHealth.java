package dev.mailplatform.admin.store;

import dev.mailplatform.store.v1.ListDomainsRequest;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready when the store answers a one-row lookup. */
@Readiness
@ApplicationScoped
public class StoreHealth implements HealthCheck {

    private final Store store;

    public StoreHealth(Store store) {
        this.store = store;
    }

    @Override
    public HealthCheckResponse call() {
        try {
            store.accounts(s -> s.listDomains(ListDomainsRequest.newBuilder().setPageSize(1).build()));
            return HealthCheckResponse.up("store");
        } catch (RuntimeException e) {
            return HealthCheckResponse.named("store").down().withData("error", String.valueOf(e.getMessage())).build();
        }
    }
}
