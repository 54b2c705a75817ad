package dev.mailplatform.admin.console;

import dev.mailplatform.admin.Administration;
import dev.mailplatform.admin.config.ConsoleConfig;
import dev.mailplatform.admin.security.Access;
import dev.mailplatform.admin.security.Sessions;
import dev.mailplatform.admin.store.StoreUnavailable;
import dev.mailplatform.store.v1.AuthenticateAdminResponse;
import io.quarkus.qute.Engine;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Duration;
import java.util.HashSet;

/** Log in and out. A failed login is answered only after the delay the store's throttle asks for. */
@Path("/")
@Produces(MediaType.TEXT_HTML)
public class LoginPages {

    @Inject
    Engine engine;

    @Inject
    Administration admin;

    @Inject
    Sessions sessions;

    @Inject
    Access access;

    @Inject
    ConsoleConfig config;

    @Inject
    HttpServerRequest request;

    @GET
    @Path("login")
    public Response form(@QueryParam("next") String next) {
        return page(200, null, "", next);
    }

    private Response page(int status, String error, String username, String next) {
        String html = engine.getTemplate("login").data("error", error).data("username", username)
                .data("next", safeNext(next)).render();
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")).entity(html).build();
    }

    @POST
    @Path("login")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> login(@FormParam("username") String username, @FormParam("password") String password,
            @FormParam("next") String next) {
        String ip = request.remoteAddress() == null ? "" : request.remoteAddress().hostAddress();
        boolean secure = request.isSSL() || config.secureCookie();
        return Uni.createFrom().item(() -> admin.login(username, password, ip))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .onItem().transformToUni(r -> r.getOk() ? Uni.createFrom().item(success(r, next, secure))
                        : Uni.createFrom().item(() -> page(401, "The user name or password is not right.",
                                username == null ? "" : username, next))
                                .onItem().delayIt().by(Duration.ofMillis(Math.min(10_000, r.getDelayMs()))))
                .onFailure(StoreUnavailable.class).recoverWithItem(() -> page(503,
                        "The mail store is unavailable, so nobody can log in right now. Try again shortly.",
                        username == null ? "" : username, next));
    }

    private Response success(AuthenticateAdminResponse r, String next, boolean secure) {
        var a = r.getAdmin();
        String sid = sessions.open(a.getId(), a.getUsername(), a.getRole().equals("super-admin"),
                new HashSet<>(a.getDomainIdsList()));
        return Response.seeOther(URI.create(safeNext(next))).header("Set-Cookie", cookie(sid, secure, false))
                .build();
    }

    @POST
    @Path("logout")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response logout(@FormParam("_csrf") String csrf) {
        access.form(csrf);
        sessions.close(access.sessionId());
        return Response.seeOther(URI.create("/login")).header("Set-Cookie",
                cookie("", request.isSSL() || config.secureCookie(), true)).build();
    }

    /** HttpOnly (no script reads it), SameSite=Strict (no other site's page sends it), Secure over TLS. */
    static String cookie(String value, boolean secure, boolean expire) {
        return Sessions.COOKIE + "=" + value + "; Path=/; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
                + (expire ? "; Max-Age=0" : "");
    }

    /** Only a path on this site, so the login page cannot be used to send people elsewhere. */
    static String safeNext(String next) {
        if (next == null || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")
                || next.startsWith("/login")) {
            return "/";
        }
        return next;
    }
}
