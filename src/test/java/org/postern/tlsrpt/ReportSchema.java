package org.postern.tlsrpt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.InputFormat;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a TLS report against the RFC 8460 JSON schema of the tests
 * ({@code rfc8460-report.schema.json}, formats asserted), and what a schema cannot say: that the
 * failure details of a policy add up to no more than its failure count. Shared by the unit tests
 * and the integration tests, which check the reports Postern really sends.
 */
public final class ReportSchema {
  private static final JsonSchema SCHEMA = load();

  private ReportSchema() {}

  private static JsonSchema load() {
    try (InputStream in = ReportSchema.class.getResourceAsStream("rfc8460-report.schema.json")) {
      return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in,
          SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What is wrong with {@code json} as a report; empty when nothing is. */
  public static List<String> violations(String json) {
    List<String> out = new ArrayList<>();
    for (ValidationMessage m : SCHEMA.validate(json, InputFormat.JSON)) {
      out.add(m.getMessage());
    }
    if (out.isEmpty()) {
      out.addAll(countViolations(json));
    }
    return out;
  }

  private static List<String> countViolations(String json) {
    List<String> out = new ArrayList<>();
    try {
      for (JsonNode p : new ObjectMapper().readTree(json).get("policies")) {
        long detailed = 0;
        for (JsonNode d : p.path("failure-details")) {
          detailed += d.get("failed-session-count").asLong();
        }
        long failed = p.get("summary").get("total-failure-session-count").asLong();
        if (detailed > failed) {
          out.add("failure details count " + detailed + " sessions, the summary " + failed
              + " failures, for " + p.get("policy").get("policy-domain").asText());
        }
      }
    } catch (IOException e) {
      out.add("not JSON: " + e.getMessage());
    }
    return out;
  }
}
