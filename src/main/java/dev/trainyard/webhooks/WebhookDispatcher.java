package dev.trainyard.webhooks;

import dev.trainyard.jobs.WebhookDeliveries;
import dev.trainyard.jobs.WebhookDelivery;
import dev.trainyard.system.DaemonThreads;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.Webhook;
import io.swagger.v3.oas.annotations.Webhooks;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sends due webhook deliveries: one poller thread takes as many as there are free senders, each by a lease, and the
 * senders POST them. Training threads never wait on any of it. A 2xx delivers; 410 Gone and a refused address give
 * up at once; anything else is retried after firstRetry, doubling up to maxRetry, until maxAttempts.
 */
@Webhooks(
        @Webhook(
                name = "jobEvent",
                operation =
                        @Operation(
                                method = "post",
                                operationId = "jobEventWebhook",
                                summary =
                                        "An event of a job that names this webhook: job.state, job.epoch or job.checkpoint, as its notify.events choose",
                                description = WebhookDispatcher.SIGNED,
                                parameters = {
                                    @Parameter(
                                            in = ParameterIn.HEADER,
                                            name = "webhook-id",
                                            required = true,
                                            schema = @Schema(type = "string"),
                                            description = "the delivery's id, the same in every attempt: drop repeats"),
                                    @Parameter(
                                            in = ParameterIn.HEADER,
                                            name = "webhook-timestamp",
                                            required = true,
                                            schema = @Schema(type = "string"),
                                            description = "when this attempt was signed, in seconds since the epoch"),
                                    @Parameter(
                                            in = ParameterIn.HEADER,
                                            name = "webhook-signature",
                                            required = true,
                                            schema = @Schema(type = "string"),
                                            description = "v1,<base64 HMAC-SHA256>")
                                },
                                requestBody =
                                        @RequestBody(
                                                content =
                                                        @Content(
                                                                mediaType = "application/json",
                                                                schema = @Schema(implementation = WebhookBody.class))),
                                responses = {
                                    @ApiResponse(responseCode = "2XX", description = "delivered"),
                                    @ApiResponse(responseCode = "410", description = "gone: never sent again"),
                                    @ApiResponse(
                                            responseCode = "default",
                                            description = "tried again later with backoff, up to max-attempts")
                                })))
@Component
public class WebhookDispatcher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);
    /** Added to the request timeout for the lease, so a lease never ends while its attempt can still succeed. */
    private static final Duration LEASE_MARGIN = Duration.ofSeconds(30);

    static final String SIGNED = "trainyard POSTs this to a job's notify.url, signed the Standard Webhooks way: "
            + "HMAC-SHA256 with the owner's secret (trainyard.webhooks.secrets) over "
            + "`<webhook-id>.<webhook-timestamp>.<body>`, base64, as `webhook-signature: v1,<signature>`.";

    private final WebhookDeliveries deliveries;
    private final WebhookAddresses addresses;
    private final WebhookSigner signer;
    private final WebhooksProperties settings;
    private final JsonMapper json;
    private final Clock clock;
    private final Semaphore idleSenders;
    private final Counter delivered;
    private final Counter retried;
    private final Counter failed;
    private final HttpClient http;
    private ScheduledExecutorService poller;
    private ExecutorService senders;
    private volatile boolean running;

    public WebhookDispatcher(
            WebhookDeliveries deliveries,
            WebhookAddresses addresses,
            WebhookSigner signer,
            WebhooksProperties settings,
            JsonMapper json,
            Clock clock,
            MeterRegistry registry) {
        this.deliveries = deliveries;
        this.addresses = addresses;
        this.signer = signer;
        this.settings = settings;
        this.json = json;
        this.clock = clock;
        this.idleSenders = new Semaphore(settings.senders());
        this.delivered = attempts(registry, "delivered");
        this.retried = attempts(registry, "retried");
        this.failed = attempts(registry, "failed");
        this.http = HttpClient.newBuilder()
                .connectTimeout(settings.timeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    private static Counter attempts(MeterRegistry registry, String outcome) {
        return Counter.builder("trainyard.webhooks.attempts")
                .description("Webhook requests by outcome: delivered, retried (failed, tried again later), failed "
                        + "(given up)")
                .tag("outcome", outcome)
                .register(registry);
    }

    private void poll() {
        try {
            int free = idleSenders.availablePermits();
            if (free == 0) {
                return;
            }
            Instant now = clock.instant();
            List<WebhookDelivery.Message> due = deliveries.due(now, free);
            for (WebhookDelivery.Message message : due) {
                if (!running || !idleSenders.tryAcquire()) {
                    return;
                }
                if (!deliveries.claim(
                        message.id(),
                        message.attempts(),
                        now,
                        now.plus(settings.timeout()).plus(LEASE_MARGIN))) {
                    idleSenders.release();
                    continue;
                }
                senders.execute(() -> {
                    try {
                        attempt(message);
                    } finally {
                        idleSenders.release();
                    }
                });
            }
        } catch (RuntimeException e) {
            log.warn("Could not look for due webhook deliveries; trying again", e);
        }
    }

    /** One attempt of a claimed delivery, its outcome recorded. */
    void attempt(WebhookDelivery.Message message) {
        int attempt = message.attempts() + 1;
        Optional<String> refusal = addresses.refusal(message.url());
        if (refusal.isPresent()) {
            giveUp(message, null, "url " + refusal.get());
            return;
        }
        String body = body(message);
        String id = message.id().toString();
        long timestamp = clock.instant().getEpochSecond();
        Optional<String> signature = signer.sign(message.owner(), id, timestamp, body);
        if (signature.isEmpty()) {
            giveUp(message, null, "the owner has no signing secret in the server's settings");
            return;
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(message.url()))
                .timeout(settings.timeout())
                .header("Content-Type", "application/json")
                .header("User-Agent", "trainyard-webhooks")
                .header("webhook-id", id)
                .header("webhook-timestamp", Long.toString(timestamp))
                .header("webhook-signature", signature.get())
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        int status;
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            // the body is never read: closing drops whatever the receiver sends, however much
            response.body().close();
            status = response.statusCode();
        } catch (HttpConnectTimeoutException e) {
            failedAttempt(
                    message,
                    attempt,
                    null,
                    "could not connect within " + settings.timeout().toMillis() + " ms");
            return;
        } catch (HttpTimeoutException e) {
            failedAttempt(
                    message,
                    attempt,
                    null,
                    "no answer within " + settings.timeout().toMillis() + " ms");
            return;
        } catch (ConnectException e) {
            failedAttempt(message, attempt, null, "connection refused");
            return;
        } catch (IOException e) {
            failedAttempt(
                    message,
                    attempt,
                    null,
                    "the connection failed (" + e.getClass().getSimpleName() + ")");
            return;
        } catch (InterruptedException e) {
            // shutting down: the lease runs out and the delivery is tried again, here or on another replica
            Thread.currentThread().interrupt();
            return;
        }
        if (status >= 200 && status < 300) {
            deliveries.delivered(message, status, clock.instant());
            delivered.increment();
        } else if (status == 410) {
            giveUp(message, status, "the receiver answered 410 Gone");
        } else {
            failedAttempt(
                    message,
                    attempt,
                    status,
                    status >= 300 && status < 400
                            ? "the receiver answered " + status + "; redirects are not followed"
                            : "the receiver answered " + status);
        }
    }

    /** The request body: {@code {"type": "job.<event>", "timestamp": ..., "data": <the stream's event data>}}. */
    private String body(WebhookDelivery.Message message) {
        return json.writeValueAsString(
                new WebhookBody("job." + message.event(), message.at(), json.readTree(message.data())));
    }

    private void failedAttempt(WebhookDelivery.Message message, int attempt, Integer status, String error) {
        if (attempt >= settings.maxAttempts()) {
            giveUp(message, status, error + "; gave up after " + attempt + " attempts");
            return;
        }
        Instant now = clock.instant();
        deliveries.attemptFailed(
                message, status, error, now.plus(backoff(settings.firstRetry(), settings.maxRetry(), attempt)), now);
        retried.increment();
    }

    private void giveUp(WebhookDelivery.Message message, Integer status, String error) {
        deliveries.attemptFailed(message, status, error, null, clock.instant());
        failed.increment();
    }

    /** The wait after failed attempt {@code attempt} (1-based): firstRetry, doubling, at most maxRetry. */
    static Duration backoff(Duration firstRetry, Duration maxRetry, int attempt) {
        Duration wait = firstRetry;
        for (int i = 1; i < attempt && wait.compareTo(maxRetry) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(maxRetry) > 0 ? maxRetry : wait;
    }

    @Override
    public synchronized void start() {
        poller = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("trainyard-webhooks"));
        senders = Executors.newFixedThreadPool(settings.senders(), DaemonThreads.named("trainyard-webhooks-send"));
        running = true;
        long interval = settings.pollInterval().toMillis();
        poller.scheduleWithFixedDelay(this::poll, interval, interval, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        running = false;
        poller.shutdownNow();
        senders.shutdownNow();
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
