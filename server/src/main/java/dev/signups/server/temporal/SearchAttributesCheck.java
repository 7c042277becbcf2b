package dev.signups.server.temporal;

import dev.signups.workflows.SignupSearchAttributes;
import io.dropwizard.lifecycle.Managed;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.ListSearchAttributesRequest;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Refuses to start the worker in a namespace that lacks the signup search attributes: every
 * workflow would otherwise fail its first task and wait, unseen, until someone registers them.
 */
public final class SearchAttributesCheck implements Managed {

  private final WorkflowServiceStubs connection;
  private final String namespace;

  /** Asks through {@code connection}, the worker's own, rather than opening another. */
  public SearchAttributesCheck(WorkflowServiceStubs connection, String namespace) {
    this.connection = connection;
    this.namespace = namespace;
  }

  @Override
  public void start() {
    OperatorServiceStubs operator =
        OperatorServiceStubs.newServiceStubs(
            OperatorServiceStubsOptions.newBuilder()
                .setChannel(connection.getRawChannel())
                .validateAndBuildWithDefaults());
    try {
      Map<String, IndexedValueType> registered =
          operator
              .blockingStub()
              .withDeadlineAfter(10, TimeUnit.SECONDS)
              .listSearchAttributes(
                  ListSearchAttributesRequest.newBuilder().setNamespace(namespace).build())
              .getCustomAttributesMap();
      Map<String, IndexedValueType> missing = new TreeMap<>(SignupSearchAttributes.TYPES);
      missing.entrySet().removeIf(e -> e.getValue() == registered.get(e.getKey()));
      if (!missing.isEmpty()) {
        throw new StartupCheckException(instructions(missing));
      }
    } finally {
      operator.shutdownNow();
    }
  }

  private String instructions(Map<String, IndexedValueType> missing) {
    return "Namespace '"
        + namespace
        + "' lacks the search attributes the signup workflow publishes; register them with:\n"
        + missing.entrySet().stream()
            .map(
                e ->
                    "  temporal operator search-attribute create --address "
                        + connection.getOptions().getTarget()
                        + " --namespace "
                        + namespace
                        + " --name "
                        + e.getKey()
                        + " --type "
                        + typeName(e.getValue()))
            .collect(Collectors.joining("\n"));
  }

  /** The CLI's name of {@code type}: INDEXED_VALUE_TYPE_KEYWORD_LIST is KeywordList. */
  private static String typeName(IndexedValueType type) {
    return Arrays.stream(type.name().substring("INDEXED_VALUE_TYPE_".length()).split("_"))
        .map(word -> word.charAt(0) + word.substring(1).toLowerCase(Locale.ROOT))
        .collect(Collectors.joining());
  }
}
