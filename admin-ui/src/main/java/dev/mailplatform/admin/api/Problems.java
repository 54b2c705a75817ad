package dev.mailplatform.admin.api;

import dev.mailplatform.admin.Administration;
import dev.mailplatform.admin.console.ErrorPages;
import dev.mailplatform.admin.model.Invalid;
import dev.mailplatform.admin.security.Denied;
import dev.mailplatform.admin.security.Unauthenticated;
import dev.mailplatform.admin.store.StoreUnavailable;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Every failure becomes an answer once, here: RFC 9457 problem JSON under /api, an HTML page elsewhere (ErrorPages),
 * never a stack trace. Anything unexpected is logged with a reference that the answer carries.
 */
public class Problems {

    private static final Logger LOG = Logger.getLogger(Problems.class);

    @Inject
    HttpServerRequest request;

    @Inject
    ErrorPages pages;

    @ServerExceptionMapper
    public Response invalid(Invalid e) {
        return answer(400, "Invalid input", "Some fields are not valid: " + e.getMessage(), e.fields(), null);
    }

    @ServerExceptionMapper
    public Response unauthenticated(Unauthenticated e) {
        if (!api()) {
            return pages.toLogin(request);
        }
        return answer(401, "Not authenticated", e.getMessage(), null, null);
    }

    @ServerExceptionMapper
    public Response denied(Denied e) {
        return answer(403, "Forbidden", e.getMessage(), null, null);
    }

    @ServerExceptionMapper
    public Response notFound(Administration.NotFound e) {
        return answer(404, "Not found", e.getMessage(), null, null);
    }

    @ServerExceptionMapper
    public Response conflict(Administration.Conflict e) {
        return answer(409, "Conflict", e.getMessage(), null, null);
    }

    @ServerExceptionMapper
    public Response unavailable(StoreUnavailable e) {
        LOG.warnf("store unavailable: %s", e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
        return answer(503, "Store unavailable", "The mail store does not answer at the moment; try again shortly.",
                null, null);
    }

    @ServerExceptionMapper
    public Response grpc(StatusRuntimeException e) {
        Status.Code c = e.getStatus().getCode();
        String d = e.getStatus().getDescription();
        return switch (c) {
            case INVALID_ARGUMENT -> answer(400, "Invalid input", d, null, null);
            case NOT_FOUND -> answer(404, "Not found", d, null, null);
            case ALREADY_EXISTS, FAILED_PRECONDITION, ABORTED -> answer(409, "Conflict", d, null, null);
            case PERMISSION_DENIED -> answer(403, "Forbidden", d, null, null);
            case UNAVAILABLE, DEADLINE_EXCEEDED -> unavailable(new StoreUnavailable(d, e));
            default -> unexpected(e);
        };
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        if (status >= 300 && status < 400) {
            return e.getResponse();
        }
        if (e instanceof NotFoundException) {
            return answer(404, "Not found", "no such page or resource: " + request.path(), null, null);
        }
        String title = Response.Status.fromStatusCode(status) == null ? "Error"
                : Response.Status.fromStatusCode(status).getReasonPhrase();
        // The JAX-RS layer's own message (e.g. a malformed JSON body) is safe to show; its cause is not.
        return answer(status, title, status == 400 ? "The request could not be read: check its syntax and types."
                : e.getMessage(), null, null);
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        String ref = UUID.randomUUID().toString().substring(0, 8);
        LOG.errorf(e, "unexpected failure (ref %s) on %s %s", ref, request.method(), request.path());
        return answer(500, "Internal error", "Something went wrong on our side; the log has the details.", null, ref);
    }

    private boolean api() {
        String path = request.path();
        return path.startsWith("/api/") || path.equals("/api");
    }

    private Response answer(int status, String title, String detail, Map<String, String> errors, String ref) {
        if (!api()) {
            return pages.error(status, title, detail, errors, ref);
        }
        return Response.status(status).type(Problem.MEDIA_TYPE)
                .entity(new Problem("about:blank", title, status, detail, errors, ref)).build();
    }
}
