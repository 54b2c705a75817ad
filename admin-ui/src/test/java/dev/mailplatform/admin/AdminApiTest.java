package dev.mailplatform.admin;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailplatform.store.v1.AccountServiceGrpc;
import dev.mailplatform.store.v1.GetAccountRequest;
import dev.mailplatform.store.v1.MailboxRef;
import dev.mailplatform.testkit.StoreServiceResource;
import dev.mailplatform.testkit.StoreTestClient;
import io.grpc.Channel;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** The REST API against the real store: CRUD, quota defaults, paging, the role boundary, problem JSON. */
@QuarkusTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AdminApiTest extends ConsoleTestBase {

    /** The store's production defaults (testkit runs its jar in the prod profile). */
    static final long PLATFORM_STORAGE = 1L << 30;
    static final long PLATFORM_MESSAGES = 100_000;

    @GrpcClient("store")
    Channel channel;

    @GrpcClient("store")
    AccountServiceGrpc.AccountServiceBlockingStub accounts;

    static void appendTo(Channel channel, long accountId, String mailbox, int bytes) {
        String msg = "Subject: t\r\n\r\n" + "x".repeat(Math.max(0, bytes - 14));
        StoreTestClient.append(channel, MailboxRef.newBuilder().setAccountId(accountId).setMailbox(mailbox).build(),
                msg.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void withoutCredentialsTheApiAnswers401ProblemJsonAndPagesGoToLogin() {
        given().get("/api/v1/domains").then().statusCode(401).contentType("application/problem+json")
                .body("status", equalTo(401)).body("title", equalTo("Not authenticated"))
                .body(not(containsString("Exception")));
        given().header("Authorization", "Bearer mpt_not-a-token").get("/api/v1/domains").then().statusCode(401);
        given().redirects().follow(false).get("/accounts?q=x").then().statusCode(303)
                .header("Location", containsString("/login?next=%2Faccounts%3Fq%3Dx"));
    }

    @Test
    void domainLifecycleWithConflictsAndFieldErrors() {
        String name = unique("crud");
        api().body(Map.of("name", name, "defaultStorageLimit", 2_000_000, "retentionDays", 30))
                .post("/api/v1/domains").then().statusCode(201).header("Location", containsString(name))
                .body("name", equalTo(name)).body("effectiveStorageLimit", equalTo(2_000_000))
                .body("effectiveMessageLimit", equalTo((int) PLATFORM_MESSAGES)).body("retentionDays", equalTo(30));
        api().body(Map.of("name", name)).post("/api/v1/domains").then().statusCode(409)
                .contentType("application/problem+json").body("detail", containsString("already exists"));
        api().body(Map.of("name", "not a domain!")).post("/api/v1/domains").then().statusCode(400)
                .body("errors.name", containsString("not valid"));
        api().body(Map.of("name", unique("neg"), "defaultStorageLimit", -1, "retentionDays", -7))
                .post("/api/v1/domains").then().statusCode(400)
                .body("errors.defaultStorageLimit", containsString("0 (unlimited)"))
                .body("errors.retentionDays", containsString("-1 (keep for ever)"));
        api().body(Map.of("name", unique("abs"), "defaultStorageLimit", Long.MAX_VALUE)).post("/api/v1/domains")
                .then().statusCode(400).body("errors.defaultStorageLimit", notNullValue());
        api().body("{not json").post("/api/v1/domains").then().statusCode(400)
                .contentType("application/problem+json").body(not(containsString("at com.")));
        api().body(Map.of("name", 42)).post("/api/v1/domains").then().statusCode(400)
                .body("errors.name", equalTo("must be a string"));

        Map<String, Object> patch = new HashMap<>();
        patch.put("defaultStorageLimit", null);
        patch.put("defaultMessageLimit", 500);
        api().body(patch).patch("/api/v1/domains/" + name).then().statusCode(200)
                .body("defaultStorageLimit", nullValue()).body("effectiveStorageLimit", equalTo((int) PLATFORM_STORAGE))
                .body("effectiveMessageLimit", equalTo(500));

        createAccount("a@" + name);
        api().delete("/api/v1/domains/" + name).then().statusCode(409).body("detail", containsString("cascade"));
        api().get("/api/v1/domains/" + name + "/usage").then().statusCode(200).body("accounts", equalTo(1));
        api().delete("/api/v1/domains/" + name + "?cascade=true").then().statusCode(204);
        api().get("/api/v1/domains/" + name).then().statusCode(404).contentType("application/problem+json");
        api().get("/api/v1/accounts/a@" + name).then().statusCode(404);
        assertTrue(given().header("Authorization", "Bearer " + superToken()).get("/api/v1/audit").then()
                .statusCode(200).extract().jsonPath().getList("entries.target").contains(name),
                "the audit log records the deletion");
    }

    @Test
    void theEffectiveQuotaIsTheMostSpecificAndALimitBelowUsageIsFlagged() {
        String d = unique("quota");
        createDomain(d);
        String address = "q@" + d;
        createAccount(address);
        api().get("/api/v1/accounts/" + address).then().statusCode(200)
                .body("storageLimit", nullValue()).body("effectiveStorageLimit", equalTo((int) PLATFORM_STORAGE))
                .body("effectiveMessageLimit", equalTo((int) PLATFORM_MESSAGES));
        api().body(Map.of("defaultStorageLimit", 5_000_000)).patch("/api/v1/domains/" + d).then().statusCode(200);
        api().get("/api/v1/accounts/" + address).then().body("effectiveStorageLimit", equalTo(5_000_000));

        long id = accounts.getAccount(GetAccountRequest.newBuilder().setAddress(address).build()).getId();
        appendTo(channel, id, "INBOX", 3000);
        appendTo(channel, id, "Archive", 1000);
        JsonPath usage = api().get("/api/v1/accounts/" + address + "/usage").then().statusCode(200).extract()
                .jsonPath();
        assertEquals(2, usage.getInt("messagesUsed"));
        assertEquals("INBOX", usage.getString("mailboxes[0].name"));
        assertEquals(1, usage.getInt("mailboxes[0].messages"));
        assertEquals(usage.getLong("storageUsed"), usage.getList("mailboxes.size", Integer.class).stream()
                .mapToLong(Integer::longValue).sum());

        api().body(Map.of("storageLimit", 100, "retentionDays", 14)).patch("/api/v1/accounts/" + address).then()
                .statusCode(200).body("effectiveStorageLimit", equalTo(100)).body("usage", equalTo(40.0f))
                .body("warnings[0]", containsString("below the current usage"))
                .body("effectiveRetentionDays", equalTo(14)).body("retentionSource", equalTo("account"));
        Map<String, Object> back = new HashMap<>();
        back.put("storageLimit", null);
        back.put("retentionDays", null);
        api().body(back).patch("/api/v1/accounts/" + address).then().statusCode(200)
                .body("effectiveStorageLimit", equalTo(5_000_000)).body("warnings", equalTo(List.of()))
                .body("retentionSource", equalTo("domain"));
        api().body(Map.of("retentionDays", -2)).patch("/api/v1/accounts/" + address).then().statusCode(400)
                .body("errors.retentionDays", containsString("-1 (keep for ever)"));
        api().body(Map.of("disabled", "yes")).patch("/api/v1/accounts/" + address).then().statusCode(400)
                .body("errors.disabled", equalTo("must be true or false"));
        api().body(Map.of("disabled", true, "displayName", "Quentin")).patch("/api/v1/accounts/" + address).then()
                .statusCode(200).body("disabled", equalTo(true)).body("displayName", equalTo("Quentin"));
        api().body(Map.of("password", "short")).put("/api/v1/accounts/" + address + "/password").then()
                .statusCode(400).body("errors.password", containsString("8 characters"));
        api().body(Map.of("password", "a much better one")).put("/api/v1/accounts/" + address + "/password").then()
                .statusCode(204);
        api().delete("/api/v1/accounts/" + address).then().statusCode(204);
        api().get("/api/v1/accounts/" + address).then().statusCode(404);
    }

    @Test
    void badAccountInputGetsAMessagePerField() {
        String d = unique("bad");
        createDomain(d);
        JsonPath p = api().body(Map.of("address", "no-at-sign", "password", "short", "storageLimit", -5))
                .post("/api/v1/accounts").then().statusCode(400).contentType("application/problem+json").extract()
                .jsonPath();
        assertTrue(p.getString("errors.address").contains("local@domain"));
        assertTrue(p.getString("errors.password").contains("8 characters"));
        assertTrue(p.getString("errors.storageLimit").contains("0 (unlimited)"));
        api().body(Map.of("address", "x@" + unique("nodomain"), "password", PASSWORD)).post("/api/v1/accounts")
                .then().statusCode(400).body("errors.address", containsString("create it first"));
        api().body(Map.of("address", "bad..dots@" + d, "password", PASSWORD)).post("/api/v1/accounts")
                .then().statusCode(400).body("errors.address", containsString("not valid"));
        createAccount("dup@" + d);
        api().body(Map.of("address", "DUP@" + d, "password", PASSWORD)).post("/api/v1/accounts").then()
                .statusCode(409);
        api().get("/api/v1/accounts?sort=size").then().statusCode(400).body("errors.sort", notNullValue());
        api().get("/api/v1/accounts?cursor=garbage!").then().statusCode(400);
        api().get("/api/v1/accounts?limit=5000").then().statusCode(400).body("errors.limit", notNullValue());
    }

    @Test
    void pagingOverTenThousandAccountsVisitsEachOnceInOrder() throws Exception {
        String d = bulkDomain();
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            var req = api().queryParam("domain", d).queryParam("limit", 1000);
            if (cursor != null) {
                req = req.queryParam("cursor", cursor);
            }
            JsonPath page = req.get("/api/v1/accounts").then().statusCode(200).extract().jsonPath();
            assertEquals(BULK, page.getInt("total"));
            seen.addAll(page.getList("accounts.address"));
            cursor = page.getString("nextCursor");
            pages++;
        } while (cursor != null);
        assertEquals(10, pages);
        assertEquals(BULK, seen.size());
        assertEquals(BULK, new HashSet<>(seen).size());
        assertEquals(seen.stream().sorted().toList(), seen);

        long t0 = System.nanoTime();
        JsonPath top = api().queryParam("domain", d).queryParam("sort", "usage").queryParam("order", "desc")
                .queryParam("limit", 50).get("/api/v1/accounts").then().statusCode(200).extract().jsonPath();
        long ms = Duration.ofNanos(System.nanoTime() - t0).toMillis();
        assertEquals("user10000@" + d, top.getString("accounts[0].address"), "the fullest account first");
        assertEquals(1.0f, top.getFloat("accounts[0].usage"));
        assertTrue(ms < 1000, "a page sorted by use over 10,000 accounts took " + ms + " ms");
        JsonPath filtered = api().queryParam("domain", d).queryParam("q", "user00999").get("/api/v1/accounts").then()
                .statusCode(200).extract().jsonPath();
        assertEquals(1, filtered.getInt("total"));
        JsonPath hot = api().queryParam("domain", d).queryParam("minUsage", 0.95).get("/api/v1/accounts").then()
                .statusCode(200).extract().jsonPath();
        assertEquals(501, hot.getInt("total"), "users 9500..10000 are at 95 % or more");
    }

    @Test
    void aDomainAdminActsOnlyWithinItsDomains() {
        String mine = unique("mine");
        String other = unique("other");
        createDomain(mine);
        createDomain(other);
        createAccount("a@" + mine);
        createAccount("b@" + other);
        String user = "da" + System.nanoTime();
        api().body(Map.of("username", user, "password", PASSWORD, "role", "domain-admin", "domains", List.of(mine)))
                .post("/api/v1/admins").then().statusCode(201).body("domains", equalTo(List.of(mine)));
        api().body(Map.of("username", "x" + user, "password", PASSWORD, "role", "domain-admin")).post("/api/v1/admins")
                .then().statusCode(400).body("errors.domains", notNullValue());
        String token = token(login(user, PASSWORD));
        java.util.function.Supplier<io.restassured.specification.RequestSpecification> daSpec = () -> given()
                .header("Authorization", "Bearer " + token).contentType(ContentType.JSON);

        List<String> names = daSpec.get().get("/api/v1/domains").then().statusCode(200).extract().jsonPath()
                .getList("name");
        assertEquals(List.of(mine), names);
        daSpec.get().get("/api/v1/domains/" + other).then().statusCode(403).contentType("application/problem+json");
        daSpec.get().get("/api/v1/accounts/b@" + other).then().statusCode(403);
        daSpec.get().get("/api/v1/accounts/b@" + other + "/usage").then().statusCode(403);
        daSpec.get().body(Map.of("displayName", "x")).patch("/api/v1/accounts/b@" + other).then().statusCode(403);
        daSpec.get().delete("/api/v1/accounts/b@" + other).then().statusCode(403);
        daSpec.get().body(Map.of("address", "c@" + other, "password", PASSWORD)).post("/api/v1/accounts").then()
                .statusCode(403);
        daSpec.get().get("/api/v1/accounts?domain=" + other).then().statusCode(403);
        daSpec.get().body(Map.of("name", unique("new"))).post("/api/v1/domains").then().statusCode(403);
        daSpec.get().delete("/api/v1/domains/" + mine).then().statusCode(403);
        daSpec.get().get("/api/v1/admins").then().statusCode(403);
        List<String> all = daSpec.get().queryParam("limit", 1000).get("/api/v1/accounts").then().log().ifError()
                .statusCode(200).extract()
                .jsonPath().getList("accounts.address");
        assertEquals(List.of("a@" + mine), all, "an unfiltered list holds only its domains' accounts");
        daSpec.get().body(Map.of("address", "c@" + mine, "password", PASSWORD)).post("/api/v1/accounts").then()
                .statusCode(201);
        daSpec.get().body(Map.of("defaultMessageLimit", 10)).patch("/api/v1/domains/" + mine).then().statusCode(200);
        List<String> targets = daSpec.get().get("/api/v1/audit").then().statusCode(200).extract().jsonPath()
                .getList("entries.target");
        assertTrue(targets.contains("c@" + mine));
        assertFalse(targets.contains("b@" + other), "the audit log too shows only its domains");
        // still present for the super-admin: nothing leaked through
        api().get("/api/v1/accounts/b@" + other).then().statusCode(200);
    }

    @Test
    void cookieSessionsNeedTheCsrfTokenForChangesAndLoginsAreThrottled() {
        Session s = login(ADMIN, ADMIN_PASSWORD);
        given().cookie("mail_console", s.cookie()).get("/api/v1/me").then().statusCode(200)
                .body("username", equalTo(ADMIN)).body("csrf", nullValue());
        given().cookie("mail_console", s.cookie()).contentType(ContentType.JSON).body(Map.of("name", unique("c")))
                .post("/api/v1/domains").then().statusCode(403).body("detail", containsString("X-CSRF-Token"));
        given().cookie("mail_console", s.cookie()).contentType(ContentType.URLENC).formParam("name", unique("f"))
                .post("/domains").then().statusCode(403).contentType(containsString("text/html"))
                .body(containsString("security token"));
        given().cookie("mail_console", s.cookie()).contentType(ContentType.URLENC).formParam("_csrf", "wrong")
                .formParam("name", unique("f")).post("/domains").then().statusCode(403);
        String d = unique("formok");
        given().redirects().follow(false).cookie("mail_console", s.cookie()).contentType(ContentType.URLENC)
                .formParam("_csrf", s.csrf()).formParam("name", d).post("/domains").then().statusCode(303);
        api().get("/api/v1/domains/" + d).then().statusCode(200);

        String user = "thr" + System.nanoTime();
        api().body(Map.of("username", user, "password", PASSWORD, "role", "super-admin")).post("/api/v1/admins")
                .then().statusCode(201);
        long t0 = System.nanoTime();
        var wrong = given().contentType(ContentType.URLENC).formParam("username", user)
                .formParam("password", "not the password").post("/login");
        long tookMs = Duration.ofNanos(System.nanoTime() - t0).toMillis();
        assertEquals(401, wrong.statusCode());
        assertTrue(wrong.asString().contains("not right"));
        // The answer waits the delay the store's throttle set for this failure (0.5 s for the first).
        assertTrue(tookMs >= 450, "a failed login was answered after " + tookMs + " ms");
        var cookie = given().redirects().follow(false).contentType(ContentType.URLENC)
                .formParam("username", user).formParam("password", PASSWORD).post("/login");
        assertEquals(303, cookie.statusCode());
        String sc = cookie.getHeader("Set-Cookie");
        assertTrue(sc.contains("HttpOnly") && sc.contains("SameSite=Strict"), sc);
        assertFalse(sc.contains("Secure"), "no Secure flag over plain HTTP");
        given().redirects().follow(false).cookie("mail_console", s.cookie()).contentType(ContentType.URLENC)
                .formParam("_csrf", s.csrf()).post("/logout").then().statusCode(303);
        given().cookie("mail_console", s.cookie()).get("/api/v1/me").then().statusCode(401);
    }

    @Test
    void openApiHealthAndMetrics() {
        String doc = given().get("/q/openapi").then().statusCode(200).extract().asString();
        assertTrue(doc.contains("/api/v1/accounts") && doc.contains("/api/v1/domains/{name}/usage"), doc);
        assertFalse(doc.contains("/accounts/{address}/quota"), "the console's pages are not in the API document");
        given().get("/q/swagger-ui").then().statusCode(404);
        given().get("/q/health/ready").then().statusCode(200).body("checks.name", hasItem("store"));
        given().get("/q/metrics").then().statusCode(200).body(containsString("http_server_requests"));
        given().get("/static/console.css").then().statusCode(200);
    }

    @Test
    void thunderbirdAutoconfigNamesTheServersOfAServedDomain() {
        String d = unique("auto");
        createDomain(d);
        String xml = given().queryParam("emailaddress", "alice@" + d).get("/mail/config-v1.1.xml").then()
                .statusCode(200).contentType(containsString("application/xml")).extract().asString();
        assertTrue(xml.contains("<incomingServer type=\"imap\">") && xml.contains("<hostname>imap." + d
                + "</hostname>") && xml.contains("<port>993</port>") && xml.contains("<socketType>SSL</socketType>")
                && xml.contains("<username>%EMAILADDRESS%</username>") && xml.contains("<port>995</port>"), xml);
        assertFalse(xml.contains("outgoingServer"), "no submission server is configured");
        given().queryParam("emailaddress", "alice@" + d).get("/.well-known/autoconfig/mail/config-v1.1.xml").then()
                .statusCode(200).body(containsString("<domain>" + d + "</domain>"));
        given().header("Host", "autoconfig." + d).get("/mail/config-v1.1.xml").then().statusCode(200)
                .body(containsString("<domain>" + d + "</domain>"));
        given().queryParam("emailaddress", "bob@" + unique("elsewhere")).get("/mail/config-v1.1.xml").then()
                .statusCode(404);
        given().queryParam("emailaddress", "a@<script>").get("/mail/config-v1.1.xml").then().statusCode(400)
                .body(not(containsString("<script>")));
        given().get("/mail/config-v1.1.xml").then().statusCode(400);
    }

    /** ./mailctl's administration commands, run as an operator would, against this console. */
    private static int mailctl(StringBuilder out, Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(java.nio.file.Path.of("..", "mailctl").toAbsolutePath().normalize().toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("MAIL_CONSOLE_URL", "http://127.0.0.1:18094");
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        out.setLength(0);
        out.append(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return p.exitValue();
    }

    @Test
    void mailctlAdministersOverTheApiWithClearErrorsAndExitCodes() throws Exception {
        Map<String, String> env = Map.of("MAIL_ADMIN_TOKEN", superToken(), "MAIL_NEW_PASSWORD", PASSWORD);
        StringBuilder out = new StringBuilder();
        String d = unique("cli");
        assertEquals(0, mailctl(out, env, "domain", "add", d, "2G"), out.toString());
        assertTrue(out.toString().contains("\"effectiveStorageLimit\":2147483648"), out.toString());
        assertEquals(5, mailctl(out, env, "domain", "add", d), out.toString());
        assertTrue(out.toString().contains("already exists"), out.toString());
        assertEquals(0, mailctl(out, env, "domain", "list"));
        assertTrue(out.toString().contains(d));
        assertEquals(0, mailctl(out, env, "account", "add", "dave@" + d, "500M"), out.toString());
        assertEquals(0, mailctl(out, env, "account", "list", d));
        assertTrue(out.toString().contains("dave@" + d));
        assertEquals(0, mailctl(out, env, "quota", "set", "dave@" + d, "1G", "5000"), out.toString());
        assertEquals(0, mailctl(out, env, "quota", "show", "dave@" + d), out.toString());
        assertTrue(out.toString().contains("\"storageLimit\":1073741824") && out.toString().contains(
                "\"messageLimit\":5000"), out.toString());
        assertEquals(0, mailctl(out, env, "account", "passwd", "dave@" + d), out.toString());
        assertEquals(2, mailctl(out, env, "quota", "set", "dave@" + d, "lots"), out.toString());
        assertTrue(out.toString().contains("not a size"), out.toString());
        assertEquals(1, mailctl(out, Map.of("MAIL_ADMIN_TOKEN", superToken(), "MAIL_NEW_PASSWORD", "short"),
                "account", "add", "erin@" + d), out.toString());
        assertTrue(out.toString().contains("password") && out.toString().contains("8 characters"), out.toString());
        assertEquals(4, mailctl(out, env, "quota", "show", "nobody@" + d), out.toString());
        assertEquals(3, mailctl(out, Map.of("MAIL_ADMIN_TOKEN", "mpt_wrong"), "domain", "list"), out.toString());
        assertEquals(0, mailctl(out, env, "admin", "add", "cli" + System.nanoTime(), "domain-admin", d),
                out.toString());
        assertEquals(0, mailctl(out, env, "account", "delete", "dave@" + d), out.toString());
        assertEquals(4, mailctl(out, env, "account", "delete", "dave@" + d), out.toString());
        assertEquals(2, mailctl(out, env, "quota"), out.toString());
    }

    /** Last: it stops the store. */
    @Test
    @Order(Integer.MAX_VALUE)
    void aStoreOutageIs503AndTheConsoleRecoversByItself() throws Exception {
        String token = superToken();
        Session s = login(ADMIN, ADMIN_PASSWORD);
        var store = StoreServiceResource.current();
        store.kill();
        try {
            given().header("Authorization", "Bearer " + token).get("/api/v1/domains").then().statusCode(503)
                    .contentType("application/problem+json").body("title", equalTo("Store unavailable"))
                    .body(not(containsString("io.grpc")));
            given().cookie("mail_console", s.cookie()).get("/domains").then().statusCode(503)
                    .body(containsString("store does not answer")).body(containsString("http-equiv=\"refresh\""));
            given().get("/q/health/ready").then().statusCode(503);
        } finally {
            store.restart();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        int status;
        while ((status = given().header("Authorization", "Bearer " + token).get("/api/v1/domains").statusCode())
                != 200 && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(200); // poll interval, under the deadline above
        }
        assertEquals(200, status, "the console answers again once the store is back");
    }
}
