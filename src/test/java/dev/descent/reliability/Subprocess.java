package dev.descent.reliability;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A second JVM on the tests' class path, for what only a separate process can show (kill -9, Ctrl-C, a small heap). */
final class Subprocess {
    private Subprocess() {
    }

    static ProcessBuilder java(List<String> jvmOptions, String mainClass, String... args) {
        List<String> options = new ArrayList<>(List.of("--add-modules", "jdk.incubator.vector"));
        options.addAll(jvmOptions);
        return javaWithOptions(options, mainClass, args);
    }

    /** As {@link #java}, without {@code --add-modules jdk.incubator.vector}: only {@code jvmOptions}. */
    static ProcessBuilder javaWithOptions(List<String> jvmOptions, String mainClass, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classPath());
        command.add(mainClass);
        command.addAll(List.of(args));
        return new ProcessBuilder(command);
    }

    /**
     * This JVM's class path, plus where the tests and descent were loaded from: under Surefire the
     * first holds everything, but the JUnit console launcher (the GPU bundle) loads both through its
     * own class loader, so java.class.path has only the launcher.
     */
    static String classPath() {
        List<String> entries = new ArrayList<>(List.of(System.getProperty("java.class.path")));
        for (Class<?> loaded : new Class<?>[] {Subprocess.class, dev.descent.cli.Main.class,
            com.fasterxml.jackson.databind.ObjectMapper.class, picocli.CommandLine.class}) {
            try {
                entries.add(Path.of(loaded.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
            } catch (java.net.URISyntaxException | RuntimeException e) {
                throw new IllegalStateException("cannot find where " + loaded.getName() + " was loaded from", e);
            }
        }
        return String.join(java.io.File.pathSeparator, entries);
    }

    /** Sends SIGINT, as Ctrl-C on a terminal does. */
    static void interrupt(Process process) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -INT " + process.pid() + " failed");
        }
    }
}
