package org.logitlab.cli;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code logitlab} command line. */
@Command(
        name = "logitlab",
        mixinStandardHelpOptions = true,
        version = "logitlab 0.1.0",
        description = "A pure-Java LLM engine where the next-token distribution is a first-class object.",
        subcommands = {
            GenerateCommand.class,
            SynthCommand.class,
            BenchCommand.class,
            LogprobsCommand.class,
            TokenizeCommand.class,
            InspectCommand.class,
            ServeCommand.class,
            ScoreCommand.class,
            EvalCommand.class,
            TokenFrequenciesCommand.class,
            CommandLine.HelpCommand.class
        })
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
        CommandLine commandLine = new CommandLine(new Main());
        commandLine.setExecutionExceptionHandler(Main::reportError);
        return commandLine;
    }

    /**
     * Errors from bad input (a missing or corrupt file, an invalid parameter) are reported as one line naming
     * the problem; a stack trace only when LOGITLAB_DEBUG is set.
     */
    private static int reportError(Exception error, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        String message =
                switch (error) {
                    case NoSuchFileException missing -> "file not found: " + missing.getFile();
                    case IOException io -> "I/O error: " + io.getMessage();
                    default -> error.getMessage() != null ? error.getMessage() : error.toString();
                };
        commandLine.getErr().println("logitlab " + commandLine.getCommandName() + ": error: " + message);
        if (System.getenv("LOGITLAB_DEBUG") != null) {
            for (Throwable cause = error; cause != null; cause = cause.getCause()) {
                commandLine.getErr().println(cause);
                for (StackTraceElement frame : cause.getStackTrace()) {
                    commandLine.getErr().println("\tat " + frame);
                }
            }
        }
        return error instanceof IllegalArgumentException || error instanceof IOException ? 2 : 1;
    }
}
