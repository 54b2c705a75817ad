package dev.mailplatform.admin.console;

import dev.mailplatform.admin.config.FirstAdminConfig;
import dev.mailplatform.admin.security.Sessions;
import dev.mailplatform.admin.store.Store;
import dev.mailplatform.store.v1.BootstrapAdminRequest;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The first super-admin: from MAIL_ADMIN_PASSWORD, or a generated password printed once. The store creates it only
 * while it has no administrator, so a restart, or a second replica, changes nothing. Retried until the store
 * answers, since admin-ui may start before it.
 */
@ApplicationScoped
public class FirstAdmin {

    private static final Logger LOG = Logger.getLogger(FirstAdmin.class);

    private final ScheduledExecutorService retry = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "first-admin");
        t.setDaemon(true);
        return t;
    });

    void onStart(@Observes StartupEvent ev, Store store, FirstAdminConfig config) {
        retry.execute(() -> attempt(store, config));
    }

    void onStop(@Observes ShutdownEvent ev) {
        retry.shutdownNow();
    }

    private void attempt(Store store, FirstAdminConfig config) {
        String user = config.user();
        boolean generated = config.password().filter(p -> !p.isBlank()).isEmpty();
        String password = generated ? Sessions.randomToken().substring(0, 20) : config.password().get();
        try {
            boolean created = store.admin(s -> s.bootstrapAdmin(BootstrapAdminRequest.newBuilder().setUsername(user)
                    .setPassword(password).build())).getCreated();
            if (created && generated) {
                // Printed once: the store keeps only its hash, and the next start finds an administrator.
                LOG.warnf("first console administrator created: user \"%s\", password \"%s\" (shown only now; "
                        + "change it in the console or set MAIL_ADMIN_PASSWORD before the first start)", user,
                        password);
            } else if (created) {
                LOG.infof("first console administrator \"%s\" created from MAIL_ADMIN_PASSWORD", user);
            }
        } catch (RuntimeException e) {
            LOG.debugf("first administrator not checked yet (%s); retrying", e.getMessage());
            retry.schedule(() -> attempt(store, config), 2, TimeUnit.SECONDS);
        }
    }
}
