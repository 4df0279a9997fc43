package dev.descent.fit;

import dev.descent.DescentException;
import dev.descent.backend.ModelSetSums;
import dev.descent.optim.DataTerm;
import dev.descent.optim.DataTermSums;
import dev.descent.optim.Problem;
import java.util.ArrayList;
import java.util.List;

/**
 * Fits many models at once, each by its own {@link QuasiNewtonLoop} (L-BFGS, OWL-QN with l1) with its own
 * stopping rules, on one backend's {@link ModelSetSums}: every pass over X evaluates all the models still
 * running, each at its own point, and a model that has stopped drops out of the passes.
 *
 * <p>Each model's loop runs on a thread of its own and waits in its data term for the pass that serves it. The
 * passes run on the calling thread (a backend serves one thread), each once every running model has asked or
 * stopped: which models share a pass, and so every bit of the result, follows from the models alone, not from
 * the threads' timing.
 */
public final class ModelSetLoop {
    /**
     * One model of the set.
     *
     * @param problem  its objective (one output; l2, l1 and coordinates its own)
     * @param initial  its starting parameters, original coordinates
     * @param settings its limits and tolerances
     */
    public record Model(Problem problem, double[] initial, QuasiNewtonLoop.Settings settings) {
    }

    private final ModelSetSums backend;
    private final ModelSetSums.ModelSet set;
    private final List<Model> models;

    private final Object lock = new Object();
    private final double[][] points;
    private final boolean[] asked;
    private final boolean[] stopped;
    private final DataTermSums[] sums;
    private int passes;

    /** @param set which rows each model counts and with which labels, the models in the order of {@code models} */
    public ModelSetLoop(ModelSetSums backend, ModelSetSums.ModelSet set, List<Model> models) {
        this.backend = backend;
        this.set = set;
        this.models = List.copyOf(models);
        int count = models.size();
        this.points = new double[count][];
        this.asked = new boolean[count];
        this.stopped = new boolean[count];
        this.sums = new DataTermSums[count];
        for (int m = 0; m < count; m++) {
            Problem problem = models.get(m).problem();
            if (problem.outputs() != 1) {
                throw new IllegalArgumentException("a model set holds one-output models, not " + problem.outputs());
            }
            points[m] = new double[problem.parameterCount()];
            sums[m] = new DataTermSums(problem.parameterCount());
        }
    }

    /** The passes over X the last {@link #run} took: one per round of evaluations, whatever the number of models. */
    public int passes() {
        return passes;
    }

    /** Runs every model to its stop; outcomes in the models' order. {@code start} is System.nanoTime at the call. */
    public List<FitLoop.Outcome> run(long start) {
        int count = models.size();
        FitLoop.Outcome[] outcomes = new FitLoop.Outcome[count];
        Throwable[] failures = new Throwable[count];
        List<Thread> threads = new ArrayList<>();
        for (int m = 0; m < count; m++) {
            int model = m;
            Thread thread = new Thread(() -> {
                try {
                    Model spec = models.get(model);
                    outcomes[model] = new QuasiNewtonLoop(dataTerm(model), spec.settings()).run(spec.initial(), start);
                } catch (Throwable e) {
                    failures[model] = e;
                } finally {
                    synchronized (lock) {
                        stopped[model] = true;
                        lock.notifyAll();
                    }
                }
            }, "descent-model-" + m);
            thread.setDaemon(true);
            threads.add(thread);
        }
        threads.forEach(Thread::start);
        try {
            serve();
        } catch (InterruptedException e) {
            threads.forEach(Thread::interrupt);
            Thread.currentThread().interrupt();
            throw new DescentException("the fit of " + count + " models was interrupted");
        } catch (RuntimeException | Error e) {
            // a failed pass: the models waiting for it would wait forever; interrupted, they end
            threads.forEach(Thread::interrupt);
            throw e;
        } finally {
            for (Thread thread : threads) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        for (Throwable failure : failures) {
            if (failure instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (failure instanceof Error error) {
                throw error;
            }
        }
        return List.of(outcomes);
    }

    /** The passes: each once every model has asked or stopped, for those that asked. */
    private void serve() throws InterruptedException {
        int count = models.size();
        boolean[] active = new boolean[count];
        passes = 0;
        while (true) {
            boolean any = false;
            synchronized (lock) {
                while (!everyModelWaitsOrStopped()) {
                    lock.wait();
                }
                for (int m = 0; m < count; m++) {
                    active[m] = asked[m];
                    any |= asked[m];
                }
            }
            if (!any) {
                return;
            }
            backend.modelSetSums(set, points, active, sums);
            passes++;
            synchronized (lock) {
                for (int m = 0; m < count; m++) {
                    asked[m] = false;
                }
                lock.notifyAll();
            }
        }
    }

    private boolean everyModelWaitsOrStopped() {
        for (int m = 0; m < asked.length; m++) {
            if (!asked[m] && !stopped[m]) {
                return false;
            }
        }
        return true;
    }

    /** Model m's data term: hands its point to the next pass and waits for its sums. */
    private DataTerm dataTerm(int model) {
        Problem problem = models.get(model).problem();
        return new DataTerm() {
            @Override
            public Problem problem() {
                return problem;
            }

            @Override
            public void sumsAt(double[] parameters, DataTermSums out) {
                synchronized (lock) {
                    System.arraycopy(parameters, 0, points[model], 0, parameters.length);
                    asked[model] = true;
                    lock.notifyAll();
                    while (asked[model]) {
                        try {
                            lock.wait();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new DescentException("the fit of model " + model + " was interrupted");
                        }
                    }
                    DataTermSums ready = sums[model];
                    System.arraycopy(ready.gradient(), 0, out.gradient(), 0, out.gradient().length);
                    out.setTotals(ready.weightTotal(), ready.lossSum());
                }
            }
        };
    }
}
