package dev.mailplatform.protocol;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;

/**
 * A store call's failure, in the terms a protocol reply needs. Each front end maps these to its replies once (IMAP
 * response codes, POP3 extended codes); gRPC status codes go no further than this class.
 */
public enum StoreFailure {
    /** Unknown mailbox, message or account. */
    NONEXISTENT,
    ALREADY_EXISTS,
    /** Bad input the front end passed on (it should have caught it). */
    INVALID,
    /** A state the operation needs does not hold (e.g. a mailbox with children, a changed UIDVALIDITY). */
    CANNOT,
    OVER_QUOTA,
    /** Over the store's maximum message size. */
    TOO_BIG,
    /** The POP3 maildrop is locked by another session. */
    IN_USE,
    /** A server limit (e.g. the statement timeout of an expensive SEARCH): the same request will fail again. */
    LIMIT,
    /** PostgreSQL or S3 is unreachable, or the store itself: try again later. */
    UNAVAILABLE,
    /** Anything else: a bug. Log it with a correlation id; never show its details to the client. */
    SERVER_BUG;

    private static final Metadata.Key<String> QUOTA_RESOURCE = Metadata.Key.of("x-quota-resource",
            Metadata.ASCII_STRING_MARSHALLER);
    private static final Metadata.Key<String> LIMIT_NAME = Metadata.Key.of("x-limit", Metadata.ASCII_STRING_MARSHALLER);
    private static final Metadata.Key<String> MISSING = Metadata.Key.of("x-missing", Metadata.ASCII_STRING_MARSHALLER);

    /** The first gRPC status on {@code t}'s cause chain, with its trailers (possibly null); null when there is none. */
    private record Found(Status status, Metadata trailers) {
        static Found on(Throwable t) {
            for (Throwable c = t; c != null; c = c.getCause()) {
                if (c instanceof StatusRuntimeException e) {
                    return new Found(e.getStatus(), e.getTrailers());
                }
                if (c instanceof StatusException e) {
                    return new Found(e.getStatus(), e.getTrailers());
                }
                if (c.getCause() == c) {
                    break;
                }
            }
            return null;
        }
    }

    /**
     * Whether {@code t} says the message itself is gone (NOT_FOUND with the store's {@code x-missing: message}), as
     * opposed to a missing part of a message that exists, or a missing mailbox or account.
     */
    public static boolean missingMessage(Throwable t) {
        Found f = Found.on(t);
        return f != null && f.status().getCode() == Status.Code.NOT_FOUND && f.trailers() != null
                && "message".equals(f.trailers().get(MISSING));
    }

    /** The failure behind {@code t}; anything that is not a gRPC status is a bug. */
    public static StoreFailure of(Throwable t) {
        Found found = Found.on(t);
        if (found == null) {
            return SERVER_BUG;
        }
        Metadata trailers = found.trailers();
        return switch (found.status().getCode()) {
            case NOT_FOUND -> NONEXISTENT;
            case ALREADY_EXISTS -> ALREADY_EXISTS;
            case INVALID_ARGUMENT, OUT_OF_RANGE -> INVALID;
            case FAILED_PRECONDITION -> CANNOT;
            case RESOURCE_EXHAUSTED -> trailers != null && trailers.containsKey(QUOTA_RESOURCE) ? OVER_QUOTA
                    : trailers != null && trailers.containsKey(LIMIT_NAME) ? LIMIT : TOO_BIG;
            case ABORTED -> IN_USE;
            case UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED -> UNAVAILABLE;
            default -> SERVER_BUG;
        };
    }

    /** The store's own explanation, safe to show (the store never puts internals into client-caused errors). */
    public static String message(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof StatusRuntimeException e && e.getStatus().getDescription() != null) {
                return e.getStatus().getDescription();
            }
            if (c instanceof StatusException e && e.getStatus().getDescription() != null) {
                return e.getStatus().getDescription();
            }
        }
        return "";
    }
}
