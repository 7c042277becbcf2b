package dev.signups.server.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.signups.activities.PersonalData;
import dev.signups.activities.Recipient;
import dev.signups.workflows.Bounce;
import io.dropwizard.validation.selfvalidating.SelfValidating;
import io.dropwizard.validation.selfvalidating.SelfValidation;
import io.dropwizard.validation.selfvalidating.ViolationCollector;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * The body of {@code POST :admin/bounces}: a provider's report, in a form common to all providers
 * (docs/api.md maps SES, Postmark and SendGrid webhooks to it).
 *
 * @param address the address the email went to
 * @param type {@code HardBounce}, {@code SoftBounce} or {@code Complaint}
 * @param provider who reported it, such as {@code ses}
 * @param reason the provider's diagnostic, optional; kept with its addresses masked
 */
@SelfValidating
public record BounceReport(
    @JsonProperty("address") String address,
    @NotNull @JsonProperty("type") Bounce.Type type,
    @NotNull
        @Pattern(regexp = "[A-Za-z0-9._-]{1,40}", message = "must be a short name such as ses")
        @JsonProperty("provider")
        String provider,
    @Size(max = 500) @JsonProperty("reason") String reason) {

  /** The bounce as the signup records it, without the address or the reason's addresses. */
  public Bounce bounce() {
    return new Bounce(type, provider, PersonalData.maskAddresses(reason));
  }

  @SelfValidation
  public void validate(ViolationCollector violations) {
    Recipient.addressProblem(address)
        .ifPresent(problem -> violations.addViolation("address", "address " + problem));
  }
}
