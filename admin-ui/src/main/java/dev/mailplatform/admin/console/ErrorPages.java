package dev.mailplatform.admin.console;

import io.quarkus.qute.Engine;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** The console's error answers: an HTML page a person can act on, or the login page. */
@ApplicationScoped
public class ErrorPages {

    private final Engine engine;

    public ErrorPages(Engine engine) {
        this.engine = engine;
    }

    public Response error(int status, String title, String detail, Map<String, String> errors, String ref) {
        String html = engine.getTemplate("error").data("status", status).data("title", title)
                .data("detail", detail).data("errors", errors == null ? Map.of() : errors).data("reference", ref)
                .data("retry", status == 503).render();
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")).entity(html).build();
    }

    public Response toLogin(HttpServerRequest request) {
        String next = request.uri();
        return Response.seeOther(URI.create("/login" + (next == null || next.equals("/") ? "" : "?next="
                + URLEncoder.encode(next, StandardCharsets.UTF_8)))).build();
    }
}
