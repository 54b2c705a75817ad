package dev.mailplatform.store.startup;

import dev.mailplatform.store.config.StoreConfig;
import dev.mailplatform.store.domain.AccountStore;
import dev.mailplatform.store.error.StoreException;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jboss.logging.Logger;

/** Creates the accounts of MAIL_SEED_ACCOUNTS ("address:password" lines) that do not exist yet. */
@ApplicationScoped
public class SeedAccounts {

    private static final Logger LOG = Logger.getLogger(SeedAccounts.class);

    void onStart(@Observes StartupEvent ev, StoreConfig config, AccountStore accounts) {
        if (config.seedAccounts().isEmpty() || config.seedAccounts().get().isBlank()) {
            return;
        }
        Path file = Path.of(config.seedAccounts().get());
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read seed accounts file " + file + ": " + e.getMessage(), e);
        }
        int created = 0;
        int lineNo = 0;
        for (String raw : lines) {
            lineNo++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IllegalStateException(file + ":" + lineNo + ": expected address:password");
            }
            String address = line.substring(0, colon);
            String password = line.substring(colon + 1);
            try {
                accounts.createAccount(address, password, "", null, null, true);
                created++;
            } catch (StoreException e) {
                if (e.kind() != StoreException.Kind.ALREADY_EXISTS) {
                    throw new IllegalStateException(file + ":" + lineNo + ": " + e.getMessage(), e);
                }
            }
        }
        // Only counts: the file holds passwords.
        LOG.infof("seed accounts: %d created from %s", created, file);
    }
}
