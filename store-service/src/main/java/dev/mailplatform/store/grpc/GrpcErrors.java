package dev.mailplatform.store.grpc;

import dev.mailplatform.store.domain.Db;
import dev.mailplatform.store.error.StoreException;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;

/** The one place where store failures become gRPC statuses. */
public final class GrpcErrors {

    private static final Logger LOG = Logger.getLogger(GrpcErrors.class);

    private GrpcErrors() {
    }

    public static Throwable map(Throwable t) {
        if (t instanceof StatusRuntimeException) {
            return t;
        }
        StoreException se = find(t);
        if (se != null) {
            Status status = switch (se.kind()) {
                case INVALID_ARGUMENT -> Status.INVALID_ARGUMENT;
                case NOT_FOUND -> Status.NOT_FOUND;
                case ALREADY_EXISTS -> Status.ALREADY_EXISTS;
                case FAILED_PRECONDITION -> Status.FAILED_PRECONDITION;
                case RESOURCE_EXHAUSTED -> Status.RESOURCE_EXHAUSTED;
                case LOCKED -> Status.ABORTED;
                case UNAVAILABLE -> Status.UNAVAILABLE;
                case CANCELLED -> Status.CANCELLED;
            };
            Metadata trailers = new Metadata();
            for (Map.Entry<String, String> e : se.details().entrySet()) {
                trailers.put(Metadata.Key.of(e.getKey(), Metadata.ASCII_STRING_MARSHALLER), e.getValue());
            }
            return status.withDescription(se.getMessage()).asRuntimeException(trailers);
        }
        if (Db.isUnavailable(t) || isHibernateConnectionFailure(t)) {
            return Status.UNAVAILABLE.withDescription("database unavailable").asRuntimeException();
        }
        String ref = UUID.randomUUID().toString().substring(0, 8);
        LOG.errorf(t, "unexpected failure [ref %s]", ref);
        return Status.INTERNAL.withDescription("internal error (ref " + ref + ")").asRuntimeException();
    }

    private static StoreException find(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof StoreException se) {
                return se;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return null;
    }

    private static boolean isHibernateConnectionFailure(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            String name = c.getClass().getName();
            if (name.endsWith("JDBCConnectionException") || name.endsWith("ConnectException")) {
                return true;
            }
            if (c.getMessage() != null && c.getMessage().contains("Unable to acquire JDBC Connection")) {
                return true;
            }
        }
        return false;
    }
}
