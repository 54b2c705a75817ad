package dev.mailplatform.admin.security;

import dev.mailplatform.admin.store.Store;
import dev.mailplatform.store.v1.Admin;
import dev.mailplatform.store.v1.AuthenticateApiTokenRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;

/**
 * Who the current request acts for, resolved on first use: a bearer token (API clients) or the session cookie
 * (the console, and the console's own API calls). Cookie-authenticated changes must carry the session's CSRF token;
 * token-authenticated ones need none (no browser sends a bearer token by itself).
 */
@RequestScoped
public class Access {

    public static final String CSRF_HEADER = "X-CSRF-Token";
    public static final String CSRF_FIELD = "_csrf";

    @Inject
    HttpServerRequest request;

    @Inject
    Sessions sessions;

    @Inject
    Store store;

    private Principal principal;

    /** For the REST API: 401 without credentials; 403 for a cookie-authenticated change without its CSRF header. */
    public Principal api() {
        if (principal != null) {
            return principal;
        }
        String auth = request.getHeader("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            Admin a;
            try {
                a = store.admin(s -> s.authenticateApiToken(AuthenticateApiTokenRequest.newBuilder()
                        .setSecret(auth.substring(7).trim()).build()));
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
                    throw new Unauthenticated("the bearer token is not valid");
                }
                throw e;
            }
            principal = new Principal(a.getId(), a.getUsername(), a.getRole().equals("super-admin"),
                    new HashSet<>(a.getDomainIdsList()), null);
            return principal;
        }
        Principal p = fromCookie();
        if (p == null) {
            throw new Unauthenticated("log in, or send Authorization: Bearer <token>");
        }
        String m = request.method().name();
        if (!m.equals("GET") && !m.equals("HEAD") && !same(p.csrf(), request.getHeader(CSRF_HEADER))) {
            throw new Denied("a change made with the console's session needs its " + CSRF_HEADER + " header");
        }
        principal = p;
        return p;
    }

    /** For console pages: the session's administrator, or {@link Unauthenticated} (the login page). */
    public Principal page() {
        if (principal != null) {
            return principal;
        }
        Principal p = fromCookie();
        if (p == null) {
            throw new Unauthenticated("log in");
        }
        principal = p;
        return p;
    }

    /** For console form posts: the session's administrator, whose CSRF token the form must carry. */
    public Principal form(String csrf) {
        Principal p = page();
        if (!same(p.csrf(), csrf)) {
            throw new Denied("This form has expired or did not come from the console (missing security token). "
                    + "Reload the page and try again.");
        }
        return p;
    }

    public String sessionId() {
        Cookie c = request.getCookie(Sessions.COOKIE);
        return c == null ? null : c.getValue();
    }

    private Principal fromCookie() {
        return sessions.find(sessionId()).orElse(null);
    }

    private static boolean same(String expected, String given) {
        return expected != null && given != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                given.getBytes(StandardCharsets.UTF_8));
    }
}
