package dev.signups.server;

import dev.signups.server.limits.RateLimits;
import io.dropwizard.util.DataSize;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * What shapes the HTTP APIs besides the signups they act on.
 *
 * @param limits the rate limits of {@code POST /signups}
 * @param oneClickConfirmation whether opening a confirmation link confirms, without the button
 * @param maxRequestBodySize the largest request body read
 * @param meters where the APIs count what they answered
 */
public record ApiSettings(
    RateLimits limits,
    boolean oneClickConfirmation,
    DataSize maxRequestBodySize,
    MeterRegistry meters) {}
