package org.logitlab.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code logitlab} command line. */
@Command(
        name = "logitlab",
        mixinStandardHelpOptions = true,
        version = "logitlab 0.1.0",
        description = "A pure-Java LLM engine where the next-token distribution is a first-class object.",
        subcommands = {CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return new CommandLine(new Main());
    }
}
