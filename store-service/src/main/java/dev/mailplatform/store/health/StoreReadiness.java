package dev.mailplatform.store.health;

import dev.mailplatform.store.blob.BlobStore;
import dev.mailplatform.store.change.ChangeBus;
import dev.mailplatform.store.domain.Db;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready when PostgreSQL and S3 answer and the change listener is connected. */
@Readiness
@ApplicationScoped
public class StoreReadiness implements HealthCheck {

    private final Db db;
    private final BlobStore blobs;
    private final ChangeBus changes;

    public StoreReadiness(Db db, BlobStore blobs, ChangeBus changes) {
        this.db = db;
        this.blobs = blobs;
        this.changes = changes;
    }

    @Override
    public HealthCheckResponse call() {
        var b = HealthCheckResponse.named("store");
        boolean dbUp;
        boolean s3Up;
        try {
            db.one("SELECT 1", rs -> 1);
            dbUp = true;
        } catch (RuntimeException e) {
            dbUp = false;
        }
        try {
            blobs.ensureBucket(); // a first start makes the bucket
            s3Up = blobs.bucketReachable(); // asked every time: ensureBucket remembers its answer
        } catch (RuntimeException e) {
            s3Up = false;
        }
        boolean listening = changes.isListening();
        return b.status(dbUp && s3Up && listening).withData("postgresql", dbUp).withData("s3", s3Up)
                .withData("change-listener", listening).build();
    }
}
