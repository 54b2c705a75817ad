package dev.mailplatform.admin;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.mailplatform.testkit.StoreServiceProcess;
import dev.mailplatform.testkit.StoreServiceResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * admin-ui against the real store-service (testkit: its packaged jar on embedded PostgreSQL and s3proxy), over
 * mutual TLS. The first super-admin comes from %test.mail.admin.password, as MAIL_ADMIN_PASSWORD would give it.
 */
@QuarkusTestResource(StoreServiceResource.class)
public abstract class ConsoleTestBase {

    protected static final String ADMIN = "admin";
    protected static final String ADMIN_PASSWORD = "console-test-password";
    protected static final String PASSWORD = "correct horse battery";
    /** Seeded once per test JVM by {@link #bulkDomain()}. */
    protected static final int BULK = 10_000;
    private static volatile String bulkDomain;

    /** A console session: its cookie and its CSRF token. */
    public record Session(String cookie, String csrf) {
    }

    protected static String unique(String prefix) {
        return prefix + System.nanoTime() + ".test";
    }

    /** Logs in through the login form, waiting (with a deadline) for the first admin to exist. */
    protected static Session login(String user, String password) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            Response r = given().redirects().follow(false).contentType(ContentType.URLENC)
                    .formParam("username", user).formParam("password", password).post("/login");
            if (r.statusCode() == 303) {
                String cookie = r.getCookie("mail_console");
                return new Session(cookie, csrf(cookie));
            }
            if (System.nanoTime() > deadline) {
                fail("login of " + user + " failed: " + r.statusCode());
            }
            // The first admin is created when the store first answers; the failure delay paces this loop.
        }
    }

    protected static String csrf(String cookie) {
        String html = given().cookie("mail_console", cookie).get("/tokens").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(html);
        assertTrue(m.find(), "the page carries a CSRF token");
        return m.group(1);
    }

    /** A bearer token of the given session's administrator. */
    protected static String token(Session s) {
        return given().cookie("mail_console", s.cookie()).header("X-CSRF-Token", s.csrf())
                .contentType(ContentType.JSON).body(Map.of("name", "test")).post("/api/v1/tokens")
                .then().statusCode(201).extract().path("secret");
    }

    private static volatile String superToken;

    protected static synchronized String superToken() {
        if (superToken == null) {
            superToken = token(login(ADMIN, ADMIN_PASSWORD));
        }
        return superToken;
    }

    protected static io.restassured.specification.RequestSpecification api() {
        return given().header("Authorization", "Bearer " + superToken()).contentType(ContentType.JSON);
    }

    protected static void createDomain(String name) {
        api().body(Map.of("name", name)).post("/api/v1/domains").then().statusCode(201);
    }

    protected static void createAccount(String address) {
        api().body(Map.of("address", address, "password", PASSWORD)).post("/api/v1/accounts").then()
                .statusCode(201);
    }

    /**
     * A domain with {@link #BULK} accounts, written straight into the store's PostgreSQL in one statement (each
     * through the API would cost an Argon2id hash): the rows are what the store itself writes, mailboxes aside.
     * Usage grows with the number, so sorting by quota use has something to sort.
     */
    protected static synchronized String bulkDomain() throws Exception {
        if (bulkDomain != null) {
            return bulkDomain;
        }
        String name = unique("bulk");
        createDomain(name);
        StoreServiceProcess store = StoreServiceResource.current();
        try (Connection c = DriverManager.getConnection(store.postgres().jdbcUrl(), store.postgres().user(),
                store.postgres().password()); Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO account (domain_id, address, password_hash, storage_limit, storage_used, "
                    + "messages_used) SELECT d.id, 'user' || lpad(g::text, 5, '0') || '@' || d.name, 'x', 1000000, "
                    + "g * 100, g % 50 FROM domain d, generate_series(1, " + BULK + ") g WHERE d.name = '" + name
                    + "'");
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM account a JOIN domain d ON d.id = a.domain_id "
                    + "WHERE d.name = '" + name + "'")) {
                rs.next();
                assertTrue(rs.getInt(1) == BULK);
            }
        }
        bulkDomain = name;
        return name;
    }
}
