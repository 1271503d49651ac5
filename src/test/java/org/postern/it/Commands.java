package org.postern.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/** Runs the real peers (swaks, python3, Postfix's commands) with a bounded wait. */
public final class Commands {
  private Commands() {}

  /** Runs {@code argv} with {@code stdin} (may be null); fails the test if it outlives {@code limit}. */
  public static PosternInstance.Result run(List<String> argv, String stdin, Duration limit)
      throws IOException, InterruptedException {
    return run(argv, stdin, Map.of(), limit);
  }

  public static PosternInstance.Result run(
      List<String> argv, String stdin, Map<String, String> environment, Duration limit)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(argv);
    pb.environment().putAll(environment);
    Process p = pb.start();
    CompletableFuture<String> out = drain(p.getInputStream());
    CompletableFuture<String> err = drain(p.getErrorStream());
    if (stdin != null) {
      p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    p.getOutputStream().close();
    if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(argv + " still running after " + limit);
    }
    return new PosternInstance.Result(p.exitValue(), joined(out), joined(err));
  }

  /** Like {@link #run} and asserts exit status 0. */
  public static PosternInstance.Result ok(List<String> argv, String stdin, Duration limit)
      throws IOException, InterruptedException {
    PosternInstance.Result r = run(argv, stdin, limit);
    assertThat(r.status()).as(argv + " exit status; stdout:\n" + r.out() + "\nstderr:\n" + r.err()).isZero();
    return r;
  }

  /** Polls {@code condition} every 100 ms for at most {@code limit}; true once it held. */
  public static boolean await(Duration limit, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.sleep(100);
    }
    return condition.getAsBoolean();
  }

  private static CompletableFuture<String> drain(InputStream in) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            return "(output unreadable: " + e + ")";
          }
        },
        task -> Thread.ofPlatform().daemon().start(task));
  }

  private static String joined(CompletableFuture<String> f) throws InterruptedException {
    try {
      return f.get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      return "(output unreadable: " + e + ")";
    }
  }
}
