package dev.descent.cli;

import dev.descent.backend.Availability;
import dev.descent.backend.BackendProvider;
import dev.descent.backend.Backends;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** Lists every backend this build knows: available or not, and why not. */
@Command(name = "devices", mixinStandardHelpOptions = true,
        description = "Lists every backend: available or not (and why not), with its device.")
final class DevicesCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        for (BackendProvider provider : Backends.all()) {
            Availability availability = provider.availability();
            out.printf("%-10s %s%n", provider.name(), availability.available() ? "available" : "unavailable: " + availability.reason());
            if (availability.available()) {
                for (String device : provider.deviceDescriptions()) {
                    out.printf("%-10s   %s%n", "", device);
                }
                if (!provider.eligibleForAuto()) {
                    out.printf("%-10s   auto passes it over: %s%n", "", provider.autoIneligibleReason());
                }
            }
        }
        return 0;
    }
}
