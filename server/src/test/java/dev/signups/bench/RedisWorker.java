package dev.signups.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.signups.activities.ConfirmationClaim;
import dev.signups.activities.EmailKind;
import dev.signups.activities.EmailRequest;
import dev.signups.activities.Recipient;
import dev.signups.activities.links.ConfirmationLinks;
import dev.signups.activities.mail.EmailDeliveryException;
import dev.signups.activities.mail.EmailTemplate;
import dev.signups.activities.mail.SmtpEmailSender;
import dev.signups.server.SignupConfiguration;
import dev.signups.server.core.SignupIds;
import io.dropwizard.jackson.Jackson;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.util.KeyValue;

/**
 * R's worker: as many threads as the application's worker runs activities at once ({@code
 * temporal.worker.maxConcurrentActivities}), each popping a signup with {@code BRPOP} and sending
 * the same confirmation email through the same {@link SmtpEmailSender}. A signup popped and not yet
 * sent lives only in this process: kill it and the signup is lost. A send that fails with a
 * transient error is pushed back onto the list, with no backoff and no limit: the least a queue
 * worker does.
 */
final class RedisWorker {

  private static final double POP_TIMEOUT_SECONDS = 1.0;

  private final SmtpEmailSender sender;
  private final ConfirmationLinks links;
  private final EmailTemplate template = EmailTemplate.load(EmailKind.CONFIRMATION.template());
  private final SignupIds ids;
  private final Duration linkValidity;
  private final ObjectMapper json = Jackson.newObjectMapper();

  private RedisWorker(SignupConfiguration config) {
    this.sender = config.getSmtp().build();
    this.links = config.getConfirmation().links();
    this.ids = new SignupIds(config.getSignupIdSecret());
    this.linkValidity = config.getConfirmation().policy().window();
  }

  static void main(Path configFile, String redisHost, int redisPort) throws Exception {
    SignupConfiguration config = BenchConfig.load(configFile);
    int threads =
        config.getTemporal().getWorker().workerOptions().getMaxConcurrentActivityExecutionSize();
    ConnectionPoolConfig pool = new ConnectionPoolConfig();
    pool.setMaxTotal(threads + 1);
    pool.setMaxIdle(threads + 1);
    RedisClient redis =
        RedisClient.builder().hostAndPort(redisHost, redisPort).poolConfig(pool).build();
    redis.ping();
    RedisWorker worker = new RedisWorker(config);
    List<Thread> running = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      Thread thread = new Thread(() -> worker.work(redis), "redis-worker-" + i);
      thread.start();
      running.add(thread);
    }
    Main.ready();
    for (Thread thread : running) {
      thread.join();
    }
  }

  private void work(RedisClient redis) {
    while (true) {
      try {
        KeyValue<String, String> popped = redis.brpop(POP_TIMEOUT_SECONDS, RedisQueue.KEY);
        if (popped != null && !send(popped.getValue())) {
          redis.lpush(RedisQueue.KEY, popped.getValue());
        }
      } catch (RuntimeException e) {
        Main.log("redis worker: " + e);
        sleepQuietly();
      }
    }
  }

  private boolean send(String payload) {
    try {
      RedisQueue.Item item = json.readValue(payload, RedisQueue.Item.class);
      String id = ids.idFor(item.email());
      ConfirmationClaim link =
          new ConfirmationClaim(
              id, Instant.now().plus(linkValidity).truncatedTo(ChronoUnit.SECONDS), 1);
      EmailRequest request =
          new EmailRequest(
              id + "." + UUID.randomUUID() + ".confirmation-1",
              new Recipient(item.email(), item.name()),
              EmailKind.CONFIRMATION,
              link);
      sender.send(template.render(request, links.url(link)));
      return true;
    } catch (IOException e) {
      Main.log("redis worker: unreadable signup dropped: " + e.getMessage());
      return true;
    } catch (EmailDeliveryException e) {
      Main.log("redis worker: not sent: " + e.getMessage());
      return !e.failure().retryable();
    }
  }

  private static void sleepQuietly() {
    try {
      Thread.sleep(1_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
