package dev.mailplatform.lmtp.store;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready when the store answers a recipient lookup within two seconds: without it every RCPT would get 451. */
@Readiness
@ApplicationScoped
public class StoreHealth implements AsyncHealthCheck {

    private final StoreClient store;

    public StoreHealth(StoreClient store) {
        this.store = store;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return store.ping().ifNoItem().after(Duration.ofSeconds(2)).fail()
                .map(x -> HealthCheckResponse.up("store"))
                .onFailure().recoverWithItem(t -> HealthCheckResponse.named("store").down()
                        .withData("error", String.valueOf(t.getMessage())).build());
    }
}
