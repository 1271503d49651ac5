package org.postern.cli;

import java.util.List;

/** One command-line program: takes its arguments (without the program name), returns an exit status. */
@FunctionalInterface
interface Command {
  int run(List<String> args) throws Exception;
}
