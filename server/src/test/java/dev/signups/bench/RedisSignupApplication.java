package dev.signups.bench;

import com.codahale.metrics.health.HealthCheck;
import dev.signups.server.SignupApplication;
import dev.signups.server.SignupConfiguration;
import dev.signups.server.resources.JsonErrorMapper;
import dev.signups.server.resources.RequestBodyFilter;
import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.core.Application;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.lifecycle.Managed;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.RedisClient;

/**
 * R's HTTP layer: a Dropwizard application on the same {@code config.yml} (connectors, request log,
 * body limit, rate limits, JSON rules) serving {@link RedisSignupResource}. Redis is at {@code
 * -Dbench.redis=host:port}.
 */
public class RedisSignupApplication extends Application<SignupConfiguration> {

  @Override
  public String getName() {
    return "signups-redis";
  }

  @Override
  public void initialize(Bootstrap<SignupConfiguration> bootstrap) {
    bootstrap.setConfigurationSourceProvider(
        new SubstitutingSourceProvider(
            bootstrap.getConfigurationSourceProvider(), new EnvironmentVariableSubstitutor(false)));
    SignupApplication.configureObjectMapper(bootstrap.getObjectMapper());
  }

  @Override
  public void run(SignupConfiguration config, Environment environment) {
    String[] address = System.getProperty("bench.redis", "127.0.0.1:6379").split(":");
    ConnectionPoolConfig pool = new ConnectionPoolConfig();
    pool.setMaxTotal(64);
    pool.setMaxIdle(64);
    RedisClient redis =
        RedisClient.builder()
            .hostAndPort(address[0], Integer.parseInt(address[1]))
            .poolConfig(pool)
            .build();
    environment
        .lifecycle()
        .manage(
            new Managed() {
              @Override
              public void stop() {
                redis.close();
              }
            });
    environment
        .jersey()
        .register(
            new RedisSignupResource(
                redis, config.getRateLimits().build(), environment.getObjectMapper()));
    environment.jersey().register(new RequestBodyFilter(config.getMaxRequestBodySize().toBytes()));
    environment.jersey().register(new JsonErrorMapper());
    environment
        .healthChecks()
        .register(
            "redis",
            new HealthCheck() {
              @Override
              protected Result check() {
                return "PONG".equals(redis.ping()) ? Result.healthy() : Result.unhealthy("no PONG");
              }
            });
  }
}
