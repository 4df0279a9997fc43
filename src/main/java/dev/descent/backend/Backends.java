package dev.descent.backend;

import dev.descent.InvalidInputException;
import dev.descent.data.Dataset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;

/**
 * The one place where a backend is chosen. Implementations are found with {@link ServiceLoader}
 * (META-INF/services/dev.descent.backend.BackendProvider), so this package imports none of them.
 * {@code auto} takes the first available backend, in {@link #AUTO_ORDER}, that is eligible for it:
 * CUDA, then an OpenCL GPU, then cpu, and says which and why (the others' reasons included). A name
 * may pick a device: "cuda:1", "opencl:1".
 */
public final class Backends {
    /** Fastest first: auto's order of preference; a provider not named here comes after these, in loading order. */
    static final List<String> AUTO_ORDER = List.of("cuda", "cublas", "opencl", "cpu", "reference");

    private static final List<BackendProvider> PROVIDERS = load();

    private Backends() {
    }

    /** Every backend this build knows, available here or not. */
    public static List<BackendProvider> all() {
        return PROVIDERS;
    }

    /** A backend opened by name, and a sentence on why it was chosen. */
    public record Selection(Backend backend, String explanation) {
    }

    /**
     * Opens the backend named {@code name} ("auto" or one of {@link #all()}). A named backend that
     * cannot run here is an error that says why. The instance refuses calls from a second thread
     * while one is inside it (see {@link ExclusiveBackend}).
     */
    public static Selection open(String name) {
        return open(name, 0);
    }

    /**
     * As {@link #open(String)}, with the cpu backend's threads capped at {@code threads} (0: every core),
     * for programs that share the machine.
     */
    public static Selection open(String name, int threads) {
        return open(name, threads, null);
    }

    /**
     * As {@link #open(String, int)}, for {@code data} (null: dense float32): for sparse data {@code auto} passes over
     * the backends that would need it dense ({@link BackendProvider#takesSparse()}), and for float64 data those
     * that would round it to float32 ({@link BackendProvider#takesFloat64()}).
     */
    public static Selection open(String name, int threads, Dataset data) {
        boolean sparseData = data != null && data.isSparse();
        boolean float64Data = data != null && data.isFloat64();
        if (threads < 0) {
            throw new InvalidInputException("threads must be 0 (every core) or more, got " + threads);
        }
        String wanted = name == null ? "auto" : name.trim().toLowerCase(Locale.ROOT);
        if (wanted.equals("auto")) {
            List<String> passedOver = new ArrayList<>();
            for (BackendProvider provider : PROVIDERS) {
                String skip = provider.autoSkipReason();
                if (skip == null && sparseData && !provider.takesSparse()) {
                    skip = "takes dense rows only, and this data is sparse";
                }
                if (skip == null && float64Data && !provider.takesFloat64()) {
                    skip = "takes float32 rows only, and this data is float64";
                }
                if (skip != null) {
                    passedOver.add(provider.name() + ": " + skip);
                    continue;
                }
                Availability availability = provider.availability();
                if (availability.available() && !provider.eligibleForAuto()) {
                    if (!provider.name().equals("reference")) {
                        passedOver.add(provider.name() + ": " + provider.autoIneligibleReason());
                    }
                    continue;
                }
                if (availability.available()) {
                    String why = "auto chose " + provider.name() + " (" + availability.device() + ")"
                            + (passedOver.isEmpty() ? "" : "; passed over " + String.join(", ", passedOver));
                    return new Selection(new ExclusiveBackend(create(provider, threads)), why);
                }
                passedOver.add(provider.name() + ": " + availability.reason());
            }
            throw new InvalidInputException("no backend can run here: " + String.join("; ", passedOver));
        }
        int colon = wanted.indexOf(':');
        String providerName = colon < 0 ? wanted : wanted.substring(0, colon);
        for (BackendProvider provider : PROVIDERS) {
            if (provider.name().equals(providerName)) {
                Availability availability = provider.availability();
                if (!availability.available()) {
                    throw new InvalidInputException("backend " + providerName + " is unavailable: " + availability.reason());
                }
                Backend backend = new ExclusiveBackend(colon < 0 ? create(provider, threads) : provider.create(wanted.substring(colon + 1)));
                return new Selection(backend, "requested " + wanted + " (" + backend.device() + ")");
            }
        }
        List<String> names = new ArrayList<>();
        names.add("auto");
        PROVIDERS.forEach(p -> names.add(p.name()));
        throw new InvalidInputException("unknown backend '" + name + "': expected one of " + String.join(", ", names));
    }

    /**
     * Whether the backend {@code name} would take float64 data as it is: {@code auto} does (it picks one that
     * does), a named backend as its provider says; an unknown name is left to {@link #open} to refuse.
     */
    public static boolean takesFloat64(String name) {
        String wanted = name == null ? "auto" : name.trim().toLowerCase(Locale.ROOT);
        int colon = wanted.indexOf(':');
        String providerName = colon < 0 ? wanted : wanted.substring(0, colon);
        return providerName.equals("auto")
                || PROVIDERS.stream().anyMatch(p -> p.name().equals(providerName) && p.takesFloat64());
    }

    private static Backend create(BackendProvider provider, int threads) {
        return threads == 0 ? provider.create() : provider.create(threads);
    }

    /** The providers on the class path, in {@link #AUTO_ORDER}; two with one name is a packaging error. */
    private static List<BackendProvider> load() {
        List<BackendProvider> found = new ArrayList<>();
        for (BackendProvider provider : ServiceLoader.load(BackendProvider.class, Backends.class.getClassLoader())) {
            if (found.stream().anyMatch(p -> p.name().equals(provider.name()))) {
                throw new IllegalStateException("two backends are named " + provider.name() + " on the class path");
            }
            found.add(provider);
        }
        found.sort(Comparator.comparingInt(p -> {
            int rank = AUTO_ORDER.indexOf(p.name());
            return rank < 0 ? AUTO_ORDER.size() : rank;
        }));
        return List.copyOf(found);
    }
}
