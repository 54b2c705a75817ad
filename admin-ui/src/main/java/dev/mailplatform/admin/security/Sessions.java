package dev.mailplatform.admin.security;

import dev.mailplatform.admin.config.ConsoleConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Console sessions, in this process's memory: a random id in the cookie, the administrator and a CSRF token here.
 * Several admin-ui replicas therefore need sticky sessions at their load balancer (the console is an operators'
 * tool, one replica is the norm). A restart logs everybody out, which is acceptable for it.
 */
@ApplicationScoped
public class Sessions {

    public static final String COOKIE = "mail_console";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int MAX_SESSIONS = 10_000;

    private record Session(Principal principal, Instant lastSeen) {
    }

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final ConsoleConfig config;
    private final Clock clock = Clock.systemUTC();

    public Sessions(ConsoleConfig config) {
        this.config = config;
    }

    public static String randomToken() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** A new session for the administrator; returns its id (the cookie value). */
    public String open(long id, String username, boolean superAdmin, Set<Long> domains) {
        if (sessions.size() >= MAX_SESSIONS) {
            expire();
        }
        String sid = randomToken();
        sessions.put(sid, new Session(new Principal(id, username, superAdmin, Set.copyOf(domains), randomToken()),
                clock.instant()));
        return sid;
    }

    public Optional<Principal> find(String sid) {
        if (sid == null || sid.isEmpty()) {
            return Optional.empty();
        }
        Session s = sessions.get(sid);
        Instant now = clock.instant();
        if (s == null || s.lastSeen().plus(config.sessionIdle()).isBefore(now)) {
            sessions.remove(sid);
            return Optional.empty();
        }
        sessions.put(sid, new Session(s.principal(), now));
        return Optional.of(s.principal());
    }

    public void close(String sid) {
        if (sid != null) {
            sessions.remove(sid);
        }
    }

    private void expire() {
        Instant cutoff = clock.instant().minus(config.sessionIdle());
        sessions.entrySet().removeIf(e -> e.getValue().lastSeen().isBefore(cutoff));
    }
}
