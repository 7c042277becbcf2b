package dev.signups.workflows.options;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Map;

/**
 * Validates the rules of a {@link Checkable} configuration object that involve more than one field,
 * reporting each broken rule on the property it names, so a message reads {@code
 * sendEmail.retry.maximumInterval must not be shorter than initialInterval (2s)}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = CrossChecked.Validator.class)
public @interface CrossChecked {

  String message() default "is inconsistent";

  Class<?>[] groups() default {};

  Class<? extends Payload>[] payload() default {};

  /** A configuration object whose fields constrain each other. */
  interface Checkable {
    /** Returns the broken rules, keyed by the property to blame; empty when all hold. */
    Map<String, String> crossFieldViolations();
  }

  /** Turns each entry of {@link Checkable#crossFieldViolations()} into a violation. */
  final class Validator implements ConstraintValidator<CrossChecked, Checkable> {
    @Override
    public boolean isValid(Checkable value, ConstraintValidatorContext context) {
      if (value == null) {
        return true;
      }
      Map<String, String> violations = value.crossFieldViolations();
      if (violations.isEmpty()) {
        return true;
      }
      context.disableDefaultConstraintViolation();
      violations.forEach(
          (property, message) ->
              context
                  .buildConstraintViolationWithTemplate(message.replace("{", "\\{"))
                  .addPropertyNode(property)
                  .addConstraintViolation());
      return false;
    }
  }
}
