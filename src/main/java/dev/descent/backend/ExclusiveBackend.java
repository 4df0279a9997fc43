package dev.descent.backend;

import dev.descent.data.Dataset;
import dev.descent.optim.DataTermSums;
import dev.descent.optim.Problem;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.DoubleSupplier;

/**
 * A backend that refuses to be used from two threads at once: every call claims the instance for
 * the calling thread and gives it back on return, and a call that finds it claimed by another
 * thread fails with an {@link IllegalStateException} naming both threads, instead of racing on
 * device state. One instance may still move between threads (one after the other). Instances from
 * {@link Backends#open} are wrapped in it; the cost is one compare-and-set per call.
 */
final class ExclusiveBackend implements Backend {
    private final Backend backend;
    private final AtomicReference<Thread> user = new AtomicReference<>();

    ExclusiveBackend(Backend backend) {
        this.backend = backend;
    }

    /** Claims the instance; returns whether this call did (false: the same thread re-entered). */
    private boolean enter() {
        Thread me = Thread.currentThread();
        Thread other = user.compareAndExchange(null, me);
        if (other == null) {
            return true;
        }
        if (other == me) {
            return false;
        }
        throw new IllegalStateException("the " + backend.name() + " backend instance is in use by thread '" + other.getName()
                + "' and was called from thread '" + me.getName() + "' at the same time; an instance serves one thread "
                + "at a time (open one per thread)");
    }

    private void exit(boolean claimed) {
        if (claimed) {
            user.set(null);
        }
    }

    private void run(Runnable call) {
        boolean claimed = enter();
        try {
            call.run();
        } finally {
            exit(claimed);
        }
    }

    private double get(DoubleSupplier call) {
        boolean claimed = enter();
        try {
            return call.getAsDouble();
        } finally {
            exit(claimed);
        }
    }

    @Override
    public String name() {
        return backend.name();
    }

    @Override
    public String device() {
        return backend.device();
    }

    @Override
    public void upload(Dataset data, Problem problem) {
        run(() -> backend.upload(data, problem));
    }

    @Override
    public void setParameters(double[] parameters) {
        run(() -> backend.setParameters(parameters));
    }

    @Override
    public void step(long permutationKey, int batchStart, int batchSize, double learningRate) {
        run(() -> backend.step(permutationKey, batchStart, batchSize, learningRate));
    }

    @Override
    public double lastObjective() {
        return get(backend::lastObjective);
    }

    @Override
    public double takeObjectiveSum() {
        return get(backend::takeObjectiveSum);
    }

    @Override
    public double lastGradientNorm() {
        return get(backend::lastGradientNorm);
    }

    @Override
    public Problem problem() {
        return backend.problem();
    }

    @Override
    public int rows() {
        return backend.rows();
    }

    @Override
    public void dataTermSums(long permutationKey, int batchStart, int batchSize, DataTermSums out) {
        run(() -> backend.dataTermSums(permutationKey, batchStart, batchSize, out));
    }

    @Override
    public double evaluate(double[] gradient) {
        return get(() -> backend.evaluate(gradient));
    }

    @Override
    public void gramTimes(double[] vector, double[] out) {
        run(() -> backend.gramTimes(vector, out));
    }

    @Override
    public void resetOptimizerState() {
        run(backend::resetOptimizerState);
    }

    @Override
    public void checkpoint() {
        run(backend::checkpoint);
    }

    @Override
    public void restoreCheckpoint() {
        run(backend::restoreCheckpoint);
    }

    @Override
    public double[] readParameters() {
        boolean claimed = enter();
        try {
            return backend.readParameters();
        } finally {
            exit(claimed);
        }
    }

    @Override
    public boolean takesSparse() {
        return backend.takesSparse();
    }

    @Override
    public boolean takesFloat64() {
        return backend.takesFloat64();
    }

    @Override
    public boolean warmedUp() {
        boolean claimed = enter();
        try {
            return backend.warmedUp();
        } finally {
            exit(claimed);
        }
    }

    /** The inner backend's model sets, claimed for the calling thread like every other call. */
    @Override
    public Optional<ModelSetSums> modelSets() {
        return backend.modelSets().map(inner -> new ModelSetSums() {
            @Override
            public boolean takesModelSets(Dataset rows) {
                return get(() -> inner.takesModelSets(rows) ? 1 : 0) == 1;
            }

            @Override
            public void modelSetSums(ModelSet set, double[][] parameters, boolean[] active, DataTermSums[] out) {
                run(() -> inner.modelSetSums(set, parameters, active, out));
            }
        });
    }

    /** The inner backend's instrumentation, claimed for the calling thread like every other call. */
    @Override
    public Optional<Instrumentation> instrumentation() {
        return backend.instrumentation().map(inner -> new Instrumentation() {
            @Override
            public double measureReadBandwidth() {
                return get(inner::measureReadBandwidth);
            }

            @Override
            public void measureDeviceTime(boolean on) {
                run(() -> inner.measureDeviceTime(on));
            }

            @Override
            public double lastStepDeviceMillis() {
                return get(inner::lastStepDeviceMillis);
            }
        });
    }

    @Override
    public void close() {
        run(backend::close);
    }
}
