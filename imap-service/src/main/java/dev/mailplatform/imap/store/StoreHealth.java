package dev.mailplatform.imap.store;

import dev.mailplatform.protocol.StoreFailure;
import dev.mailplatform.store.v1.GetAccountRequest;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready when the store answers a one-row lookup (of an account that cannot exist: NOT_FOUND is an answer) within
 * two seconds, so that a load balancer sends no client to an instance whose every command would fail.
 */
@Readiness
@ApplicationScoped
public class StoreHealth implements AsyncHealthCheck {

    private final StoreClient store;

    public StoreHealth(StoreClient store) {
        this.store = store;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return store.accounts().getAccount(GetAccountRequest.newBuilder().setId(-1).build()).replaceWithVoid()
                .onFailure(t -> StoreFailure.of(t) == StoreFailure.NONEXISTENT).recoverWithNull()
                .ifNoItem().after(Duration.ofSeconds(2)).fail()
                .map(x -> HealthCheckResponse.up("store"))
                .onFailure().recoverWithItem(t -> HealthCheckResponse.named("store").down()
                        .withData("error", String.valueOf(t.getMessage())).build());
    }
}
