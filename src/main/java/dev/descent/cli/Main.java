package dev.descent.cli;

import dev.descent.DescentException;
import dev.descent.data.HeapBudget;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/**
 * The {@code descent} command. Errors descent can name reach the user as one line and exit code 2;
 * nothing else is caught, so a real bug still shows its stack trace.
 */
@Command(name = "descent", mixinStandardHelpOptions = true, version = "descent 0.1.0",
        description = "Fits linear, logistic and softmax models by gradient descent on the CPU and GPUs.",
        subcommands = {FitCommand.class, PredictCommand.class, DevicesCommand.class, BenchCommand.class, DemoCommand.class})
public final class Main implements Runnable {
    /**
     * Exit code of a fit whose result must not be used (it diverged), and under {@code --strict} of one
     * that stopped before converging. A fit stopped by its limit otherwise exits 0 with a warning,
     * as scikit-learn and Spark warn and return the model.
     */
    public static final int EXIT_NOT_CONVERGED = 1;
    /** Exit code of bad usage or bad input. */
    public static final int EXIT_BAD_INPUT = 2;
    /** Exit code of a fit stopped by Ctrl-C (128 + SIGINT, as shells report it); the model is still written. */
    public static final int EXIT_INTERRUPTED = 130;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line with the given streams and returns the exit code (for tests). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine commandLine = new CommandLine(new Main());
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setExecutionExceptionHandler((exception, line, parsed) -> {
            if (exception instanceof DescentException) {
                line.getErr().println("descent: " + exception.getMessage());
                return EXIT_BAD_INPUT;
            }
            if (exception instanceof java.io.IOException || exception instanceof java.io.UncheckedIOException) {
                line.getErr().println("descent: " + exception);
                return EXIT_BAD_INPUT;
            }
            throw exception;
        });
        try {
            return commandLine.execute(args);
        } catch (OutOfMemoryError e) {
            // where the size was not knowable up front (a CSV, the fit's own tables): one line, not a trace
            err.println("descent: out of memory: " + HeapBudget.exhausted("this data", Runtime.getRuntime().maxMemory()));
            return EXIT_BAD_INPUT;
        }
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Refuses, with one line naming the option, an output path that cannot be written (null: no output asked for). */
    static void requireWritable(String option, java.nio.file.Path file) {
        String reason = file == null ? null : dev.descent.io.AtomicFiles.unwritableReason(file);
        if (reason != null) {
            throw new dev.descent.InvalidInputException(option + " " + file + ": " + reason);
        }
    }
}
