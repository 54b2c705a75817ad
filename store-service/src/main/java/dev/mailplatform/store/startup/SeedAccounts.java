package dev.mailplatform.store.startup;

import dev.mailplatform.store.config.StoreConfig;
import dev.mailplatform.store.domain.Accounts;
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

    void onStart(@Observes StartupEvent ev, StoreConfig config, Accounts accounts) {
        if (config.seedAccounts().isEmpty() || config.seedAccounts().get().isBlank()) {
            return;
        }
        try {
            seed(config, accounts);
        } catch (BadSeed e) {
            // One line that names the file, the line and the rule, not a stack trace; then the store stops at once.
            // Not Quarkus.asyncExit: a readiness probe that raced the orderly shutdown logged stack traces after it.
            LOG.error(e.getMessage());
            System.out.flush();
            System.err.flush();
            Runtime.getRuntime().halt(1);
        }
    }

    /** A seed line that cannot become an account; its message says where and why. */
    static final class BadSeed extends RuntimeException {
        BadSeed(String message) {
            super(message, null, false, false);
        }
    }

    private void seed(StoreConfig config, Accounts accounts) {
        Path file = Path.of(config.seedAccounts().get());
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BadSeed("cannot read seed accounts file " + file + ": " + e.getMessage());
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
                throw new BadSeed("seed accounts " + file + ":" + lineNo + ": expected address:password");
            }
            String address = line.substring(0, colon);
            String password = line.substring(colon + 1);
            try {
                accounts.createAccount(address, password, "", null, null, true);
                created++;
            } catch (StoreException e) {
                if (e.kind() != StoreException.Kind.ALREADY_EXISTS) {
                    throw new BadSeed("seed accounts " + file + ":" + lineNo + ": " + e.getMessage());
                }
            }
        }
        // Only counts: the file holds passwords.
        LOG.infof("seed accounts: %d created from %s", created, file);
    }
}
