package dev.trainyard.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainyard.ApiClient;
import dev.trainyard.TestServer;
import dev.trainyard.data.Cifar10Fixture;
import dev.trainyard.data.ImageFolderFixture;
import java.awt.image.BufferedImage;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import javax.imageio.ImageIO;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The dashboard in a real browser (Debian's chromium, headless, driven through chromedriver by Selenium) against the
 * real server on a random port, training for real on a generated dataset. Screenshots go to target/screenshots.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
// each test stands alone; the order only makes the later screenshots show the earlier tests' jobs
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserTest {

    static final Path DATA_DIR = TestServer.newDataDir();
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SCREENSHOTS = Path.of("target/screenshots");
    static final Path DOWNLOADS = TestServer.newDataDir();

    /** Holds the only training slot until cancelled, at a rate that cannot diverge. */
    static final String BLOCKER = """
            {"name": "blocker", "model": "lenet5", "dataset": {"name": "cifar10", "trainLimit": 500, "testLimit": 40},
             "epochs": 100, "batchSize": 10, "seed": 1, "schedule": {"type": "constant", "baseLr": 0.01}}""";

    static final String HOSTILE_NAME = "<img src=x onerror=alert(1)>";

    @LocalServerPort
    int port;

    private ChromeDriver browser;
    private WebDriverWait wait;
    private ApiClient alice;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestServer.register(registry, DATA_DIR, "1");
        registry.add("trainyard.events.poll-interval", () -> "100ms");
    }

    @BeforeAll
    static void writeFixture() throws Exception {
        Assumptions.assumeTrue(
                Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "chromium and chromium-driver are not installed (.ci/run installs them)");
        Cifar10Fixture.write(DATA_DIR.resolve("datasets"), 100, 40, 3);
        Files.createDirectories(SCREENSHOTS);
    }

    @BeforeEach
    void openBrowser() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1600", "--lang=en");
        options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
        options.setExperimentalOption(
                "prefs",
                Map.of(
                        "download.default_directory",
                        DOWNLOADS.toAbsolutePath().toString(),
                        "download.prompt_for_download",
                        false));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        browser = new ChromeDriver(service, options);
        wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        // pages redraw as events arrive: an element found a moment ago may have been replaced
        wait.ignoring(StaleElementReferenceException.class);
        alice = new ApiClient(port, TestServer.ALICE);
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    private String url(String hash) {
        return "http://127.0.0.1:" + port + "/" + hash;
    }

    private void signIn() {
        browser.get(url(""));
        WebElement token = wait.until(d -> d.findElement(By.id("token")));
        token.sendKeys(TestServer.ALICE, Keys.ENTER);
        wait.until(d -> d.findElement(By.cssSelector("h1")).getText().equals("Jobs"));
    }

    /** The whole page: the window grows to the page's height for the shot, then returns to its size. */
    private void screenshot(String name) throws Exception {
        Dimension window = browser.manage().window().getSize();
        long height =
                (Long) ((JavascriptExecutor) browser).executeScript("return document.documentElement.scrollHeight;");
        browser.manage().window().setSize(new Dimension(window.getWidth(), (int) Math.min(height + 140, 8000)));
        Files.write(SCREENSHOTS.resolve(name + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        browser.manage().window().setSize(window);
    }

    private String submitByApi(String spec) {
        HttpResponse<String> created = alice.post("/api/v1/jobs", spec);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return alice.json(created).get("id").asString();
    }

    private String state(String jobId) {
        return alice.json(alice.get("/api/v1/jobs/" + jobId)).get("state").asString();
    }

    private void awaitState(String jobId, String expected) throws InterruptedException {
        alice.poll(
                "/api/v1/jobs/" + jobId,
                Duration.ofMinutes(2),
                job -> job.get("state").asString().equals(expected));
    }

    private int attribute(By element, String name) {
        String value = browser.findElement(element).getDomAttribute(name);
        return value == null ? 0 : Integer.parseInt(value);
    }

    private void type(String field, String value) {
        WebElement input = browser.findElement(By.name(field));
        input.clear();
        input.sendKeys(value);
    }

    /** JavaScript errors and CSP violations the page logged. */
    private List<String> pageErrors() {
        List<String> errors = new ArrayList<>();
        for (LogEntry entry : browser.manage().logs().get(LogType.BROWSER)) {
            String message = entry.getMessage();
            boolean expectedHttpError = message.contains("the server responded with a status of 4");
            if (!expectedHttpError
                    && (entry.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue()
                            || message.contains("Content Security Policy"))) {
                errors.add(message);
            }
        }
        return errors;
    }

    @Test
    @Order(1)
    void aUserSubmitsFromTheFormAndWatchesTheJobTrainLiveToSucceededWithTheRatesOfThePreview() throws Exception {
        String blocker = submitByApi(BLOCKER);
        awaitState(blocker, "RUNNING");
        signIn();
        wait.until(d -> !d.findElements(By.cssSelector("tr[data-job-id='" + blocker + "'] [data-state=RUNNING]"))
                .isEmpty());

        browser.findElement(By.linkText("Submit a job")).click();
        wait.until(d -> d.findElement(By.id("preview-status")).getText().contains("steps"));
        type("name", "browser job");
        // the models' list loads apart from the preview
        wait.until(d -> !d.findElements(By.cssSelector("select[name=model] option[value=lenet5]"))
                .isEmpty());
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.name("model"))).selectByValue("lenet5");
        type("dataset.trainLimit", "100");
        type("dataset.testLimit", "40");
        type("epochs", "3");
        type("batchSize", "5");
        type("seed", "1");
        type("schedule.baseLr", "-1");
        WebElement baseLrError = browser.findElement(By.cssSelector("[data-error-for='schedule.baseLr']"));
        wait.until(d -> !baseLrError.getText().isEmpty());
        assertThat(browser.findElement(By.name("schedule.baseLr")).getDomAttribute("aria-invalid"))
                .isEqualTo("true");
        type("schedule.baseLr", "0.01");
        type("schedule.warmupEpochs", "1");
        wait.until(d ->
                d.findElement(By.id("preview-status")).getText().equals("60 steps (20 per epoch), 20 warmup steps"));
        assertThat(baseLrError.getText()).isEmpty();
        assertThat(attribute(By.id("preview-chart"), "data-points")).isEqualTo(60);
        screenshot("submit");

        ((JavascriptExecutor) browser).executeScript("window.trainyardNotReloaded = true;");
        browser.findElement(By.id("submit-job")).click();
        wait.until(d -> d.getCurrentUrl().matches(".*#/jobs/[0-9a-f-]{36}$"));
        String jobId = browser.getCurrentUrl().replaceAll(".*#/jobs/", "");
        assertThat(alice.json(alice.get("/api/v1/jobs/" + jobId)).get("name").asString())
                .isEqualTo("browser job");
        wait.until(d -> d.findElement(By.id("job-title")).getText().equals("browser job"));
        wait.until(d -> !d.findElements(By.cssSelector("#job-state [data-state=QUEUED]"))
                .isEmpty());
        assertThat(attribute(By.id("loss-chart"), "data-points")).isZero();
        JsonNode queued =
                alice.json(alice.get("/api/v1/jobs?state=QUEUED")).get("items").get(0);
        assertThat(queued.get("id").asString()).isEqualTo(jobId);
        assertThat(queued.get("queuePosition").asInt())
                .as("the list shows queue positions")
                .isEqualTo(1);
        wait.until(d -> d.findElement(By.id("job-summary")).getText().contains("Queue position\n1"));

        alice.post("/api/v1/jobs/" + blocker + "/cancel", "");
        TreeSet<Integer> pointsSeen = new TreeSet<>();
        WebDriverWait training = new WebDriverWait(browser, Duration.ofMinutes(3), Duration.ofMillis(50));
        training.ignoring(StaleElementReferenceException.class);
        training.until(d -> {
            pointsSeen.add(attribute(By.id("loss-chart"), "data-points"));
            return !d.findElements(By.cssSelector("#job-state [data-state=SUCCEEDED]"))
                    .isEmpty();
        });
        wait.until(d -> attribute(By.id("loss-chart"), "data-points") == 60);
        assertThat(((JavascriptExecutor) browser).executeScript("return window.trainyardNotReloaded === true"))
                .as("the page followed the job without reloading")
                .isEqualTo(true);
        assertThat(pointsSeen)
                .as("loss points the chart showed while the job trained")
                .hasSizeGreaterThan(1);
        WebElement rateMatch = browser.findElement(By.id("rate-match"));
        wait.until(d -> "60".equals(rateMatch.getDomAttribute("data-applied")));
        assertThat(rateMatch.getText())
                .isEqualTo("The applied learning rate equals the preview at all 60 steps compared.");
        assertThat(rateMatch.getDomAttribute("data-equal")).isEqualTo("true");
        wait.until(d -> d.findElements(By.cssSelector("#epochs tbody tr")).size() == 3);
        assertThat(attribute(By.id("epoch-chart"), "data-points")).isEqualTo(3);
        wait.until(d ->
                !d.findElements(By.cssSelector("#evaluation table.confusion")).isEmpty());
        assertThat(browser.findElements(By.cssSelector("#evaluation tbody tr"))).hasSize(10);
        wait.until(d -> !d.findElements(By.cssSelector("#checkpoints tbody tr")).isEmpty());
        browser.findElement(By.id("download-model")).click();
        // named as the server's Content-Disposition names it
        Path model = DOWNLOADS.resolve("lenet5-" + jobId + "-last.zip");
        new WebDriverWait(browser, Duration.ofSeconds(30)).until(d -> Files.isRegularFile(model));
        MultiLayerNetwork network = ModelSerializer.restoreMultiLayerNetwork(model.toFile(), false);
        assertThat(network.numParams())
                .as("the downloaded model loads with DL4J")
                .isEqualTo(62_006);

        Path image = Files.createTempFile("classify-", ".png");
        ImageIO.write(new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB), "png", image.toFile());
        browser.findElement(By.id("image")).sendKeys(image.toAbsolutePath().toString());
        browser.findElement(By.id("classify-button")).click();
        wait.until(d -> d.findElements(By.cssSelector("#predictions li")).size() == 3);
        screenshot("job");

        JsonNode listed = alice.json(alice.get("/api/v1/jobs?state=SUCCEEDED"))
                .get("items")
                .get(0);
        double lastAccuracy = alice.json(alice.get("/api/v1/jobs/" + jobId))
                .at("/epochs/2/testAccuracy")
                .asDouble();
        assertThat(listed.at("/latest/accuracy").asDouble())
                .as("the list shows the last epoch's accuracy")
                .isEqualTo(lastAccuracy);
        browser.findElement(By.linkText("Jobs")).click();
        WebElement accuracy = wait.until(
                d -> d.findElement(By.cssSelector("tr[data-job-id='" + jobId + "'] td[data-column=accuracy]")));
        assertThat(accuracy.getText()).isEqualTo(String.format(java.util.Locale.ROOT, "%.1f%%", lastAccuracy * 100));
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("state-filter")))
                .selectByValue("CANCELLED");
        wait.until(d -> d.findElements(By.cssSelector("#jobs tr[data-job-id='" + jobId + "']"))
                .isEmpty());
        assertThat(browser.findElements(By.cssSelector("#jobs [data-state]")))
                .as("only cancelled jobs when filtered so")
                .isNotEmpty()
                .allSatisfy(
                        badge -> assertThat(badge.getDomAttribute("data-state")).isEqualTo("CANCELLED"));

        assertThat(pageErrors()).isEmpty();
    }

    @Test
    @Order(2)
    void aRunningJobIsCancelledFromItsPage() throws Exception {
        String running = submitByApi(BLOCKER.replace("\"blocker\"", "\"to cancel\""));
        awaitState(running, "RUNNING");
        signIn();
        WebElement link = wait.until(d -> d.findElement(By.linkText("to cancel")));
        // by keyboard alone: Tab to the job's link, Enter, Tab to the cancel button, Enter
        tabTo(link);
        browser.switchTo().activeElement().sendKeys(Keys.ENTER);
        WebElement cancel = wait.until(d -> d.findElement(By.id("cancel")));
        wait.until(d -> cancel.isDisplayed());
        tabTo(cancel);
        browser.switchTo().activeElement().sendKeys(Keys.ENTER);
        wait.until(d -> !d.findElements(By.cssSelector("#job-state [data-state=CANCELLED]"))
                .isEmpty());
        assertThat(state(running)).isEqualTo("CANCELLED");
        wait.until(d -> !cancel.isDisplayed());
        screenshot("cancelled");
        assertThat(pageErrors()).isEmpty();
    }

    @Test
    @Order(3)
    void aJobNamedLikeMarkupIsShownAsTextAndRunsNothing() throws Exception {
        String hostile = submitByApi(BLOCKER.replace("\"blocker\"", "\"" + HOSTILE_NAME.replace("\"", "\\\"") + "\""));
        try {
            signIn();
            WebElement link = wait.until(d -> d.findElement(By.cssSelector("tr[data-job-id='" + hostile + "'] a")));
            assertThat(link.getText()).isEqualTo(HOSTILE_NAME);
            assertThat(browser.findElements(By.cssSelector("#jobs img"))).isEmpty();
            screenshot("jobs");
            link.click();
            wait.until(d -> d.findElement(By.id("job-title")).getText().equals(HOSTILE_NAME));
            assertThat(browser.findElements(By.cssSelector("main img"))).isEmpty();
            assertThat(alertShown()).isFalse();
            assertThat(pageErrors()).isEmpty();
        } finally {
            alice.post("/api/v1/jobs/" + hostile + "/cancel", "");
            awaitState(hostile, "CANCELLED");
        }
    }

    /** Presses Tab until {@code target} has the focus. */
    private void tabTo(WebElement target) {
        for (int presses = 0; presses < 60; presses++) {
            if (browser.switchTo().activeElement().equals(target)) {
                return;
            }
            new org.openqa.selenium.interactions.Actions(browser)
                    .sendKeys(Keys.TAB)
                    .perform();
        }
        throw new AssertionError("Tab never reached " + target);
    }

    @Test
    @Order(5)
    void classNamesLikeMarkupShowAsTextInTheConfusionMatrixAndPredictions() throws Exception {
        // folder names cannot hold a slash, so no closing tags
        List<String> classes = List.of("<b>bold", "<img src=x onerror=alert(2)>", "plain");
        ImageFolderFixture.write(DATA_DIR.resolve("datasets").resolve("markup"), classes, 8, 5);
        String id = submitByApi("{\"name\": \"markup classes\", \"model\": \"lenet5\", \"dataset\": {\"name\": "
                + "\"imagefolder\", \"path\": \"markup\", \"validationFraction\": 0.5}, \"epochs\": 1, \"batchSize\": 6, "
                + "\"seed\": 1, "
                + "\"schedule\": {\"type\": \"constant\", \"baseLr\": 0.01}}");
        awaitState(id, "SUCCEEDED");

        signIn();
        browser.get(url("#/jobs/" + id));
        wait.until(d -> d.findElements(By.cssSelector("#evaluation tbody th")).size() == 3);
        assertThat(browser.findElements(By.cssSelector("#evaluation tbody th")).stream()
                        .map(WebElement::getText))
                .containsExactlyInAnyOrderElementsOf(classes);
        Path image = Files.createTempFile("classify-", ".png");
        ImageIO.write(new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB), "png", image.toFile());
        browser.findElement(By.id("image")).sendKeys(image.toAbsolutePath().toString());
        browser.findElement(By.id("classify-button")).click();
        wait.until(d -> d.findElements(By.cssSelector("#predictions li .label")).size() == 3);
        assertThat(browser.findElements(By.cssSelector("#predictions li .label")).stream()
                        .map(WebElement::getText))
                .containsExactlyInAnyOrderElementsOf(classes);
        assertThat(browser.findElements(By.cssSelector("main img, main b"))).isEmpty();
        assertThat(alertShown()).isFalse();
        assertThat(pageErrors()).isEmpty();
    }

    private boolean alertShown() {
        try {
            browser.switchTo().alert();
            return true;
        } catch (NoAlertPresentException e) {
            return false;
        }
    }

    @Test
    @Order(4)
    void theModelsPageShowsTheLayerTablesAndAWrongTokenIsRefused() throws Exception {
        browser.get(url(""));
        WebElement token = wait.until(d -> d.findElement(By.id("token")));
        token.sendKeys("not-a-token-of-this-server", Keys.ENTER);
        WebElement error = wait.until(d -> d.findElement(By.cssSelector("[role=alert]")));
        assertThat(error.getText()).startsWith("401");
        assertThat(browser.findElements(By.id("nav")).get(0).isDisplayed()).isFalse();

        token.clear();
        token.sendKeys(TestServer.ALICE, Keys.ENTER);
        wait.until(d -> d.findElement(By.cssSelector("h1")).getText().equals("Jobs"));
        browser.findElement(By.linkText("Models")).click();
        wait.until(d -> d.findElements(By.cssSelector("#models section table")).size() == 3);
        for (String model : List.of("seednet", "lenet5", "resnet20")) {
            WebElement section = browser.findElement(By.cssSelector("section[data-model=" + model + "]"));
            assertThat(section.findElements(By.cssSelector("tbody tr"))).isNotEmpty();
        }
        assertThat(browser.findElement(By.cssSelector("section[data-model=seednet]"))
                        .getText())
                .contains("Total parameters: 159,498");
        screenshot("models");

        browser.manage().window().setSize(new Dimension(390, 844));
        browser.findElement(By.linkText("Jobs")).click();
        wait.until(d -> d.findElement(By.cssSelector("h1")).getText().equals("Jobs"));
        long overflow = (Long) ((JavascriptExecutor) browser)
                .executeScript("return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
        assertThat(overflow)
                .as("the page fits a phone's width (tables scroll inside)")
                .isLessThanOrEqualTo(0);
        screenshot("jobs-phone");
        assertThat(pageErrors()).isEmpty();
    }

    @Test
    @Order(5)
    void anExperimentShowsItsTrialsAndEveryTrialsCurvesWithTheBestMarked() throws Exception {
        HttpResponse<String> created = alice.post("/api/v1/experiments", """
                {"name": "<b>sweep</b>",
                 "base": {"epochs": 2, "batchSize": 25, "dataset": {"trainLimit": 100, "testLimit": 20,
                          "validationFraction": 0.2}, "schedule": {"type": "cosine", "baseLr": 0.01}},
                 "search": {"type": "grid", "parameters": {"seed": {"values": [1, 2, 3]}}},
                 "parallelism": 3}""");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = alice.json(created).get("id").asString();
        alice.poll(
                "/api/v1/experiments/" + id,
                Duration.ofMinutes(3),
                experiment -> experiment.get("state").asString().equals("COMPLETED"));

        signIn();
        browser.findElement(By.linkText("Experiments")).click();
        wait.until(d -> !d.findElements(By.cssSelector("tr[data-experiment='" + id + "']"))
                .isEmpty());
        browser.findElement(By.cssSelector("tr[data-experiment='" + id + "'] a"))
                .click();
        wait.until(d -> d.findElements(By.cssSelector("#trials tr[data-trial]")).size() == 3);
        assertThat(browser.findElement(By.cssSelector("h1")).getText()).isEqualTo("<b>sweep</b>");
        assertThat(browser.findElements(By.cssSelector("main b"))).isEmpty();
        assertThat(browser.findElements(By.cssSelector("#trials tr[data-state=SUCCEEDED]")))
                .hasSize(3);
        // 4 steps per epoch (80 images in batches of 25), 2 epochs: 8 steps on the shared axis
        wait.until(d -> attribute(By.id("experiment-rates"), "data-points") == 8);
        wait.until(d -> attribute(By.id("experiment-metric"), "data-points") == 2);
        assertThat(browser.findElement(By.id("experiment-best")).getText()).startsWith("trial ");
        assertThat(browser.findElement(By.id("experiment-rates")).getText()).contains("(best)");
        assertThat(browser.findElement(By.id("best-model")).isDisplayed()).isTrue();
        screenshot("experiment");
        assertThat(pageErrors()).isEmpty();
    }
}
