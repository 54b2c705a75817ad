package dev.mailplatform.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.deque.html.axecore.results.Results;
import com.deque.html.axecore.results.Rule;
import com.deque.html.axecore.selenium.AxeBuilder;
import dev.mailplatform.store.v1.AccountServiceGrpc;
import dev.mailplatform.store.v1.GetAccountRequest;
import io.grpc.Channel;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.File;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in a real browser: Debian's chromium, headless, through chromedriver (.ci/run installs both). Every
 * page visited is checked with axe-core: no serious or critical violation. Screenshots go to target/screenshots.
 */
@QuarkusTest
class ConsoleBrowserTest extends ConsoleTestBase {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SHOTS = Path.of("target", "screenshots");

    @TestHTTPResource("/")
    URL base;

    @GrpcClient("store")
    Channel channel;

    @GrpcClient("store")
    AccountServiceGrpc.AccountServiceBlockingStub accounts;

    private WebDriver driver;

    @BeforeAll
    static void needsChromium() throws Exception {
        // Never skipped: a build without the browser fails here, saying what to install (.ci/run installs it).
        Assertions.assertTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)");
        Files.createDirectories(SHOTS);
    }

    @BeforeEach
    void openBrowser() {
        // A driver service per browser: quit() stops it. The given executable keeps Selenium Manager off the net.
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        ChromeOptions o = new ChromeOptions();
        o.setBinary(CHROMIUM.toFile());
        o.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000",
                "--disable-gpu");
        driver = new ChromeDriver(service, o);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    }

    @AfterEach
    void closeBrowser() {
        if (driver != null) {
            driver.quit();
        }
    }

    private String url(String path) {
        return base.toString().replaceAll("/$", "") + path;
    }

    private void go(String path) {
        driver.get(url(path));
    }

    private void logIn(String user, String password) {
        go("/login");
        driver.findElement(By.id("username")).sendKeys(user);
        driver.findElement(By.id("password")).sendKeys(password);
        driver.findElement(By.cssSelector("form button[type=submit]")).click();
        new WebDriverWait(driver, Duration.ofSeconds(15)).until(d -> !d.getCurrentUrl().contains("/login"));
    }

    private void fill(String form, Map<String, String> fields) {
        WebElement f = driver.findElement(By.cssSelector("form[method=post][action='" + form + "']"));
        fields.forEach((name, value) -> {
            WebElement e = f.findElement(By.name(name));
            e.clear();
            e.sendKeys(value);
        });
        // The answer is a new page. A mark on this page's window goes with it; asking an element of the old page
        // instead races the navigation (chromedriver may answer "node does not belong to the document").
        ((JavascriptExecutor) driver).executeScript("window.beforeSubmit = true;");
        f.findElement(By.cssSelector("button[type=submit]")).click();
        new WebDriverWait(driver, Duration.ofSeconds(15)).ignoring(WebDriverException.class)
                .until(d -> Boolean.TRUE.equals(((JavascriptExecutor) d).executeScript(
                        "return window.beforeSubmit === undefined && document.readyState === 'complete';")));
    }

    /** axe-core on the current page: no serious or critical violation. */
    private void accessible(String what) {
        Results r = new AxeBuilder().withTags(List.of("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")).analyze(driver);
        List<Rule> bad = r.getViolations().stream()
                .filter(v -> "serious".equals(v.getImpact()) || "critical".equals(v.getImpact())).toList();
        assertTrue(bad.isEmpty(), what + ": " + bad.stream().map(v -> v.getId() + " (" + v.getImpact() + "): "
                + v.getHelp() + " " + v.getNodes().stream().map(n -> n.getHtml()).limit(3)
                        .collect(Collectors.joining(" | "))).collect(Collectors.joining("; ")));
    }

    private void screenshot(String name) throws Exception {
        File f = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Files.copy(f.toPath(), SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    private String text(String id) {
        return driver.findElement(By.id(id)).getText();
    }

    @Test
    void anUnauthenticatedVisitGoesToTheLoginPageAndBackAfterLogin() {
        go("/accounts");
        assertTrue(driver.getCurrentUrl().contains("/login?next="), driver.getCurrentUrl());
        accessible("login page");
        driver.findElement(By.id("username")).sendKeys(ADMIN);
        driver.findElement(By.id("password")).sendKeys("wrong password");
        driver.findElement(By.cssSelector("form button[type=submit]")).click();
        new WebDriverWait(driver, Duration.ofSeconds(15)).until(d -> !d.findElements(By.id("login-error")).isEmpty());
        accessible("login page with an error");
        logIn(ADMIN, ADMIN_PASSWORD);
        assertTrue(driver.getCurrentUrl().endsWith("/"), "after a failure the form lost the target: "
                + driver.getCurrentUrl());
    }

    @Test
    void createADomainAndAnAccountSetAQuotaAndSeeTheUsageBarMoveWhenMailArrives() throws Exception {
        logIn(ADMIN, ADMIN_PASSWORD);
        assertEquals("Dashboard · Mail console", driver.getTitle());
        accessible("dashboard");
        screenshot("dashboard");

        String d = unique("browser");
        go("/domains");
        accessible("domains");
        fill("/domains", Map.of("name", "bad domain!"));
        assertTrue(driver.findElements(By.id("e-name")).size() == 1, driver.getPageSource());
        assertTrue(driver.findElement(By.id("e-name")).getText().contains("not valid"), "a field's own message");
        accessible("domains with a field error");
        fill("/domains", Map.of("name", d, "storage", "", "messages", "", "retention", ""));
        assertTrue(driver.getCurrentUrl().contains("/domains/" + d), driver.getCurrentUrl());
        assertTrue(driver.findElement(By.cssSelector(".flash")).getText().contains("created"));
        accessible("domain page");

        String address = "carol@" + d;
        go("/accounts");
        fill("/accounts", Map.of("address", address, "password", PASSWORD, "displayName", "Carol"));
        assertTrue(java.net.URLDecoder.decode(driver.getCurrentUrl(), java.nio.charset.StandardCharsets.UTF_8)
                .contains("/accounts/" + address), driver.getCurrentUrl());
        assertEquals("0 %", text("usage-percent"));
        assertTrue(text("usage-text").contains("of 1.0 GiB"), "the platform default: " + text("usage-text"));
        accessible("account page");

        WebElement storage = driver.findElement(By.cssSelector("#quota-form [name=storage]"));
        storage.clear();
        storage.sendKeys("-3");
        assertTrue(text("quota-preview").contains("not a size"), "feedback while typing: " + text("quota-preview"));
        fill("/accounts/" + address + "/quota", Map.of("storage", "10K", "messages", ""));
        assertTrue(text("usage-text").contains("of 10.0 KiB"), text("usage-text"));

        long id = accounts.getAccount(GetAccountRequest.newBuilder().setAddress(address).build()).getId();
        AdminApiTest.appendTo(channel, id, "INBOX", 5120);
        driver.navigate().refresh();
        assertEquals("50 %", text("usage-percent"), "5 KiB of 10 KiB");
        assertEquals("50", driver.findElement(By.id("usage-bar")).getAttribute("value"));
        assertTrue(driver.findElement(By.cssSelector("table")).getText().contains("INBOX 1"), "mailbox sizes");

        fill("/accounts/" + address + "/quota", Map.of("storage", "4K", "messages", ""));
        assertTrue(driver.findElement(By.cssSelector(".flash")).getText().contains("below the current usage"),
                "a quota below the usage is allowed but flagged");
        assertEquals("100 %", text("usage-percent"));

        go("/accounts?q=carol&domain=" + d);
        WebElement row = driver.findElement(By.cssSelector("tr[data-address='" + address + "']"));
        assertEquals("100", row.findElement(By.tagName("meter")).getAttribute("value"));
        assertTrue(row.getAttribute("class").contains("crit"));
        accessible("accounts page filtered");

        go("/audit");
        assertTrue(driver.findElement(By.tagName("table")).getText().contains(address));
        accessible("audit log");
        go("/tokens");
        accessible("tokens");
        go("/admins");
        accessible("administrators");
    }

    @Test
    void aDomainAdminSeesOnlyItsDomain() {
        String mine = unique("da-mine");
        String other = unique("da-other");
        createDomain(mine);
        createDomain(other);
        createAccount("x@" + other);
        String user = "browser-da" + System.nanoTime();
        api().body(Map.of("username", user, "password", PASSWORD, "role", "domain-admin", "domains", List.of(mine)))
                .post("/api/v1/admins").then().statusCode(201);
        logIn(user, PASSWORD);
        go("/domains");
        String page = driver.findElement(By.tagName("main")).getText();
        assertTrue(page.contains(mine));
        assertFalse(page.contains(other), "another domain is not even listed");
        assertTrue(driver.findElements(By.cssSelector("form[action='/domains']")).isEmpty(),
                "no domain creation for a domain-admin");
        go("/domains/" + other);
        assertEquals("Forbidden · Mail console", driver.getTitle());
        accessible("error page");
        go("/accounts/x@" + other);
        assertEquals("Forbidden · Mail console", driver.getTitle());
        go("/accounts");
        assertFalse(driver.findElement(By.tagName("main")).getText().contains("x@" + other));
    }

    @Test
    void aFormPostedWithoutItsCsrfTokenIsRefused() {
        logIn(ADMIN, ADMIN_PASSWORD);
        go("/domains");
        String d = unique("csrf");
        ((JavascriptExecutor) driver).executeScript(
                "document.querySelector(\"form[action='/domains'] input[name=_csrf]\").remove();");
        fill("/domains", Map.of("name", d));
        assertEquals("Forbidden · Mail console", driver.getTitle());
        assertTrue(driver.findElement(By.tagName("main")).getText().contains("security token"));
        api().get("/api/v1/domains/" + d).then().statusCode(404);
    }

    @Test
    void theAccountsPageWithTenThousandAccountsRendersInUnderASecond() throws Exception {
        String d = bulkDomain();
        logIn(ADMIN, ADMIN_PASSWORD);
        go("/accounts?domain=" + d);
        for (String path : List.of("/accounts?domain=" + d, "/accounts?domain=" + d + "&sort=usage&order=desc")) {
            long t0 = System.nanoTime();
            go(path);
            long ms = Duration.ofNanos(System.nanoTime() - t0).toMillis();
            Object nav = ((JavascriptExecutor) driver).executeScript(
                    "const n = performance.getEntriesByType('navigation')[0]; return n.loadEventEnd - n.startTime;");
            assertTrue(ms < 1000, path + " took " + ms + " ms (browser: " + nav + " ms)");
            assertTrue(text("account-count").startsWith("10,000 accounts"), text("account-count"));
            assertEquals(50, driver.findElements(By.cssSelector("#accounts tbody tr")).size());
        }
        assertTrue(driver.findElement(By.cssSelector("#accounts tbody tr")).getText().startsWith("user10000@"),
                "sorted by use, the fullest first");
        screenshot("accounts");
        accessible("accounts page");
        driver.findElement(By.id("next-page")).click();
        assertEquals(50, driver.findElements(By.cssSelector("#accounts tbody tr")).size());
        assertTrue(driver.findElement(By.cssSelector("#accounts tbody tr")).getText().startsWith("user09950@"),
                driver.findElement(By.cssSelector("#accounts tbody tr")).getText());
    }
}
