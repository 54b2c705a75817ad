package dev.mailplatform.admin.store;

import dev.mailplatform.admin.config.ConsoleConfig;
import dev.mailplatform.store.v1.AccountServiceGrpc;
import dev.mailplatform.store.v1.AdminServiceGrpc;
import dev.mailplatform.store.v1.Pop3ServiceGrpc;
import dev.mailplatform.store.v1.QuotaServiceGrpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The store's services as admin-ui calls them: blocking stubs (the REST and page handlers run on worker threads),
 * each call under a deadline, and UNAVAILABLE / DEADLINE_EXCEEDED turned into {@link StoreUnavailable} here, once.
 * Other gRPC statuses pass through; {@code Problems} maps them to HTTP.
 */
@ApplicationScoped
public class Store {

    @GrpcClient("store")
    AccountServiceGrpc.AccountServiceBlockingStub accounts;

    @GrpcClient("store")
    QuotaServiceGrpc.QuotaServiceBlockingStub quotas;

    @GrpcClient("store")
    Pop3ServiceGrpc.Pop3ServiceBlockingStub pop3;

    @GrpcClient("store")
    AdminServiceGrpc.AdminServiceBlockingStub admin;

    @Inject
    ConsoleConfig config;

    public <T> T accounts(Function<AccountServiceGrpc.AccountServiceBlockingStub, T> call) {
        return run(() -> call.apply(accounts.withDeadlineAfter(deadline(), TimeUnit.MILLISECONDS)));
    }

    public <T> T quotas(Function<QuotaServiceGrpc.QuotaServiceBlockingStub, T> call) {
        return run(() -> call.apply(quotas.withDeadlineAfter(deadline(), TimeUnit.MILLISECONDS)));
    }

    public <T> T pop3(Function<Pop3ServiceGrpc.Pop3ServiceBlockingStub, T> call) {
        return run(() -> call.apply(pop3.withDeadlineAfter(deadline(), TimeUnit.MILLISECONDS)));
    }

    public <T> T admin(Function<AdminServiceGrpc.AdminServiceBlockingStub, T> call) {
        return run(() -> call.apply(admin.withDeadlineAfter(deadline(), TimeUnit.MILLISECONDS)));
    }

    private long deadline() {
        return config.storeDeadline().toMillis();
    }

    private static <T> T run(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (StatusRuntimeException e) {
            Status.Code c = e.getStatus().getCode();
            if (c == Status.Code.UNAVAILABLE || c == Status.Code.DEADLINE_EXCEEDED) {
                throw new StoreUnavailable("the mail store is unavailable", e);
            }
            throw e;
        }
    }
}
