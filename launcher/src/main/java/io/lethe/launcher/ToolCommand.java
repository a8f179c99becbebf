package io.lethe.launcher;

import io.lethe.kafka.KafkaUnreachableException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The base of the tools: output to the command line's writers (so tests read it), and the exits
 * every tool shares: 0 done, 1 the answer is negative (unknown, rejected, failed), 2 a usage
 * problem, 3 a service unreachable (one line naming its address).
 */
abstract class ToolCommand implements Callable<Integer> {
  static final int NEGATIVE = 1;
  static final int USAGE = 2;

  @Spec CommandSpec spec;

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  abstract int run() throws Exception;

  @Override
  public final Integer call() throws Exception {
    try {
      return run();
    } catch (KafkaUnreachableException | HttpJson.ServiceUnreachableException e) {
      err().println("lethe: " + e.getMessage());
      return LetheCli.UNREACHABLE_EXIT;
    } catch (IllegalArgumentException e) {
      err().println("lethe: " + e.getMessage());
      return USAGE;
    } finally {
      out().flush();
      err().flush();
    }
  }
}
