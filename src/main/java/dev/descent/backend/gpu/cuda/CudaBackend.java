package dev.descent.backend.gpu.cuda;

import static jcuda.driver.CUfunction_attribute.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES;

import dev.descent.DescentException;
import dev.descent.InvalidInputException;
import dev.descent.backend.Availability;
import dev.descent.backend.Backend;
import dev.descent.backend.BackendProvider;
import dev.descent.backend.gpu.DeviceBackend;
import dev.descent.backend.gpu.DeviceProblem;
import dev.descent.data.Dataset;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.Sizeof;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUfunction;
import jcuda.driver.CUgraph;
import jcuda.driver.CUgraphExec;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.CUstream;
import jcuda.driver.CUstreamCaptureMode;
import jcuda.driver.CUstream_flags;
import jcuda.driver.JCudaDriver;

/**
 * The CUDA backend: X, y and the sample weights are uploaded once; a step is three kernels
 * (kernels/fused_step.cu, reduce_partials.cu, update.cu) with nothing of size n crossing to the host.
 * The kernels are the OpenCL ones' twins and share their per-element math (descent_math.h), their
 * coordinates ({@link DeviceProblem}) and their fixed reduction orders, so a run is bit-reproducible on
 * one GPU.
 *
 * <p>Launch overhead: {@link #step} only records the step's scalars (learning rate, Adam's bias
 * corrections, the batch) in a pinned table; the steps run when something is read back, or when
 * {@value #GRAPH_STEPS} are pending, and then a full run of {@value #GRAPH_STEPS} steps replays a
 * CUDA graph captured once (one launch for 3 x {@value #GRAPH_STEPS} kernels). The kernels read their
 * per-step scalars from a device copy of that table, which is what lets one graph serve every run.
 * A full-batch fit reads the objective after every step (its stopping rule), so it runs step by
 * step; mini-batch epochs and benchmarks replay graphs.
 *
 * <p>Contexts and threads: every instance works in the device's primary context, on a non-blocking
 * stream of its own, with every copy and memset asynchronous on that stream, so that two instances'
 * work can overlap. The context is made current on whichever thread calls in, so an instance may move
 * between threads, but it must not be called from two threads at once. Everything is freed on
 * {@link #close()}, also after an error, and by a second {@link #upload}.
 */
public final class CudaBackend extends DeviceBackend<CUdeviceptr> {
    /** Steps per captured graph: enough to hide the launch cost of small problems, few enough to keep reads prompt. */
    static final int GRAPH_STEPS = 32;
    /** The update's statistics (objective, gradient-mapping norm, epoch objective sum): three floats. */
    static final int STATS_BYTES = 3 * Float.BYTES;
    /** Bytes of one descent_step_args (cuda_compat.h). */
    static final int ARGS_BYTES = 48;
    /** Slot of the args table that always describes the whole data in storage order (data-term sums, power iteration). */
    static final int WHOLE_DATA_SLOT = GRAPH_STEPS;
    /** Slot of the args table for the batch of a {@link #dataTermSums} call. */
    static final int SUMS_BATCH_SLOT = GRAPH_STEPS + 1;
    /** Slots of the args table: the graph's steps, then the two above. */
    static final int ARGS_SLOTS = GRAPH_STEPS + 2;
    /** A block takes at least this many rows, so small batches use few blocks (and few partials to reduce). */
    static final int MIN_ROWS_PER_BLOCK = 64;
    /** Cap on the floats of all partials together (64 MiB), which bounds wide softmax problems. */
    static final long MAX_PARTIAL_FLOATS = 1L << 24;
    /** Threads per block of sparse_rows and sparse_centre (sparse_step.cu's LOCAL), and of sparse_clear and sparse_columns. */
    static final int SPARSE_THREADS = 64;
    static final int SPARSE_COLUMN_THREADS = 256;
    /** reduce_partials: 32 columns per block, 8 stripes of blocks. */
    static final int REDUCE_COLUMNS = 32;
    static final int REDUCE_STRIPES = 8;
    static final int UPDATE_THREADS = 256;
    /** stream_read's threads per block. */
    static final int STREAM_THREADS = 256;
    /** stream_read's blocks per SM: 2,048 threads, an H100 SM's most, each with four loads in flight. */
    static final int STREAM_BLOCKS_PER_SM = 8;
    /** What the driver may round an allocation up to (its large-page size), counted once per buffer by the memory check. */
    static final long ALLOCATION_GRANULARITY = 2L << 20;
    /** Buffers an upload makes: DeviceBackend's common ones, the args table, and the cublas baseline's. */
    static final int MAX_BUFFERS = 26;

    private final CudaDevices.Device device;
    /** The `cublas` baseline: two cuBLAS GEMV per step in place of fused_step (cublas_baseline.cu). */
    private final boolean cublasBaseline;
    /** Its data term, made by the constructor of a `cublas` instance; null for `cuda`. */
    private CublasBaseline baseline;
    private CUcontext context;
    private final List<CUmodule> modules = new ArrayList<>();
    private CUstream stream;
    private CUfunction fusedWide;
    private CUfunction reduce;
    private CUfunction update;
    private CUfunction streamRead;
    private CUfunction sparseCentre;
    private CUfunction sparseClear;
    private CUfunction sparseRows;
    private CUfunction sparseColumns;
    private final List<CUdeviceptr> buffers = new ArrayList<>();
    private final List<CUevent> events = new ArrayList<>();

    private CUfunction fused;
    /** The fused kernel a dense upload runs, and how (FusedKernelChoice); null for sparse rows. */
    private FusedKernelChoice fusedChoice;
    /** The kernel this upload runs (fused_narrow_C, ..., or sparse_rows), for messages and tests. */
    private String fusedName;

    private CUdeviceptr deviceArgs;
    private Launches launches;

    /** Pinned host copy of the args table (GRAPH_STEPS + 1 slots), written by step(), copied before a run. */
    private Pointer hostArgs;
    /** Pinned host memory the update's three statistics are copied into, queued behind the steps. */
    private Pointer hostStats;
    private ByteBuffer hostStatsBuffer;
    private ByteBuffer args;
    private int pending;
    private int pendingGroups;
    private CUevent argsCopied;
    private boolean argsCopyInFlight;
    private CUgraph graph;
    private CUgraphExec graphExec;
    private int graphGroups;

    private boolean timing;
    private CUevent runStart;
    private CUevent runEnd;
    private int timedSteps;

    /** Available when the driver, a device and this build's PTX are all here; auto's first choice. */
    public static final class Provider implements BackendProvider {
        @Override
        public String name() {
            return "cuda";
        }

        @Override
        public Availability availability() {
            CudaDevices.Discovery discovery = CudaDevices.discover();
            if (discovery.devices().isEmpty()) {
                return Availability.unavailable(discovery.reason());
            }
            return Availability.available(discovery.devices().get(0).describe() + ", driver CUDA "
                    + CudaDevices.versionText(discovery.driverVersion()));
        }

        @Override
        public boolean eligibleForAuto() {
            return true;
        }

        @Override
        public boolean takesSparse() {
            return true;
        }

        @Override
        public List<String> deviceDescriptions() {
            return CudaDevices.discover().devices().stream().map(CudaDevices.Device::describe).toList();
        }

        @Override
        public Backend create() {
            return new CudaBackend(CudaDevices.discover().devices().get(0));
        }

        @Override
        public Backend create(String selector) {
            return new CudaBackend(BackendProvider.deviceAt(name(), selector, CudaDevices.discover().devices()));
        }
    }

    /**
     * The `cublas` baseline: the CUDA backend with cuBLAS's GEMV doing the two passes over X. Never
     * chosen by auto; it exists to show in the benchmark what the fused kernel buys.
     */
    public static final class CublasProvider implements BackendProvider {
        @Override
        public String name() {
            return "cublas";
        }

        @Override
        public Availability availability() {
            Availability cuda = new Provider().availability();
            if (!cuda.available()) {
                return cuda;
            }
            String reason = CudaDevices.cublasUnavailableReason();
            return reason == null ? Availability.available(cuda.device() + ", cuBLAS GEMV baseline")
                    : Availability.unavailable(reason);
        }

        @Override
        public boolean eligibleForAuto() {
            return false;
        }

        @Override
        public String autoIneligibleReason() {
            return "a baseline for the benchmark (two cuBLAS GEMV per step); auto takes cuda";
        }

        @Override
        public Backend create() {
            return new CudaBackend(CudaDevices.discover().devices().get(0), true);
        }

        @Override
        public Backend create(String selector) {
            return new CudaBackend(BackendProvider.deviceAt(name(), selector, CudaDevices.discover().devices()), true);
        }
    }

    CudaBackend(CudaDevices.Device device) {
        this(device, false);
    }

    CudaBackend(CudaDevices.Device device, boolean cublasBaseline) {
        this.device = device;
        this.cublasBaseline = cublasBaseline;
        try {
            CUdevice handle = new CUdevice();
            JCudaDriver.cuDeviceGet(handle, device.index());
            // each handle is kept only once the driver has made it, so close() after a failure frees what exists
            context = CudaDevices.primaryContext(handle, device.index());
            JCudaDriver.cuCtxSetCurrent(context);
            for (String stem : CudaDevices.MODULES) {
                modules.add(load(stem));
            }
            fusedWide = function(modules.get(0), "fused_wide");
            reduce = function(modules.get(1), "reduce_partials");
            streamRead = function(modules.get(1), "stream_read");
            update = function(modules.get(2), "update");
            sparseCentre = function(modules.get(4), "sparse_centre");
            sparseClear = function(modules.get(4), "sparse_clear");
            sparseRows = function(modules.get(4), "sparse_rows");
            sparseColumns = function(modules.get(4), "sparse_columns");
            // a non-blocking stream, so that instances sharing the primary context overlap: nothing of this
            // instance may then use the legacy stream, so every copy and memset below is asynchronous on it
            CUstream newStream = new CUstream();
            JCudaDriver.cuStreamCreate(newStream, CUstream_flags.CU_STREAM_NON_BLOCKING);
            stream = newStream;
            Pointer pinned = new Pointer();
            JCudaDriver.cuMemAllocHost(pinned, (long) ARGS_BYTES * ARGS_SLOTS);
            hostArgs = pinned;
            args = hostArgs.getByteBuffer(0, (long) ARGS_BYTES * ARGS_SLOTS).order(ByteOrder.LITTLE_ENDIAN);
            Pointer pinnedStats = new Pointer();
            JCudaDriver.cuMemAllocHost(pinnedStats, STATS_BYTES);
            hostStats = pinnedStats;
            hostStatsBuffer = hostStats.getByteBuffer(0, STATS_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            if (cublasBaseline) {
                baseline = new CublasBaseline(function(modules.get(3), "baseline_weights"),
                        function(modules.get(3), "baseline_residual"), function(modules.get(3), "baseline_sums"), stream);
            }
            argsCopied = event();
            runStart = event();
            runEnd = event();
        } catch (RuntimeException e) {
            try {
                close();
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e instanceof DescentException ? e : failure("starting on " + device.name(), e);
        }
    }

    /**
     * Loads one module's fatbin (machine code for sm_80 and sm_90, PTX for the rest); a driver too old
     * for the PTX gets a message that says what it needs.
     */
    private CUmodule load(String stem) {
        CUmodule module = new CUmodule();
        try {
            JCudaDriver.cuModuleLoadData(module, CudaDevices.fatbin(stem));
            return module;
        } catch (CudaException e) {
            if (String.valueOf(e.getMessage()).contains(CUresult.stringFor(CUresult.CUDA_ERROR_UNSUPPORTED_PTX_VERSION))) {
                throw new DescentException("cuda: the driver (CUDA " + CudaDevices.versionText(CudaDevices.discover().driverVersion())
                        + ") cannot load the PTX of " + stem + ".fatbin, which nvcc 13 wrote for CUDA 13: update the NVIDIA driver to r580 "
                        + "or newer", e);
            }
            throw failure("loading " + stem + ".fatbin", e);
        }
    }

    private static CUfunction function(CUmodule module, String name) {
        CUfunction function = new CUfunction();
        JCudaDriver.cuModuleGetFunction(function, module, name);
        return function;
    }

    private CUevent event() {
        CUevent event = new CUevent();
        JCudaDriver.cuEventCreate(event, 0);
        events.add(event);
        return event;
    }

    @Override
    public String name() {
        return cublasBaseline ? "cublas" : "cuda";
    }

    /** The fused kernel the current upload runs. */
    String fusedKernel() {
        return fusedName;
    }

    @Override
    public String device() {
        return device.name() + " (compute " + device.major() + "." + device.minor() + "), float32"
                + (cublasBaseline ? ", cuBLAS GEMV" : "");
    }

    /** Sparse (CSR) data runs kernels/sparse_step.cu; the cublas baseline takes dense rows only. */
    @Override
    public boolean takesSparse() {
        return !cublasBaseline;
    }

    @Override
    protected void allocate(Dataset data) {
        if (cublasBaseline && outputs != 1) {
            throw new InvalidInputException("the cublas baseline fits one output (linear, logistic); use cuda for softmax");
        }
        try {
            releaseUpload();
            long nonZeros = data.isSparse() ? data.sparseFeatures().nonZeros() : -1;
            if (nonZeros >= 0) {
                chooseSparseKernels();
            } else {
                chooseFusedKernel();
            }
            requireMemory(nonZeros);
            allocateCommon(data);
            deviceArgs = allocate((long) ARGS_BYTES * ARGS_SLOTS);
            if (cublasBaseline) {
                baseline.upload(new CublasBaseline.Data(x, y, sampleWeights, hasWeights, mean, inverseScale, rows, features,
                        deviceProblem.lossKind(), deviceProblem.lossParameter()), device.multiprocessors(), this::scratch);
            }
            putArgs(WHOLE_DATA_SLOT, 0, 0, rows, false, 0, 1, 1, 1 / weightSum, rows);
            copyArgs(WHOLE_DATA_SLOT);
            launches = new Launches();
        } catch (CudaException e) {
            throw failure("uploading " + rows + " x " + features, e);
        }
    }

    /**
     * Frees what an earlier upload to this instance made: its buffers, and the graph that holds their
     * addresses (replaying it after a second upload would use freed memory). Its pending steps are dropped.
     */
    private void releaseUpload() {
        pending = 0;
        JCudaDriver.cuStreamSynchronize(stream);
        argsCopyInFlight = false;
        destroyGraph();
        for (CUdeviceptr buffer : buffers) {
            JCudaDriver.cuMemFree(buffer);
        }
        buffers.clear();
        launches = null;
        sparse = null;
    }

    /**
     * For sparse data: sparse_rows' shared memory (a block's rows' outputs, checked against the device's limit) and
     * the most blocks resident at once, which bound the partials as for the fused kernels.
     */
    private void chooseSparseKernels() {
        fusedChoice = null;
        fusedName = "sparse_rows";
        int sharedBytes = Float.BYTES * SPARSE_THREADS * outputs;
        int limit = device.sharedMemoryPerBlock();
        if (sharedBytes + Float.BYTES * SPARSE_THREADS > limit) {
            throw new InvalidInputException(String.format(Locale.ROOT,
                    "%d classes need %,d bytes of shared memory per block on %s, which allows %,d; use the cpu backend",
                    outputs, sharedBytes, device.name(), limit));
        }
        if (sharedBytes > 48 * 1024) {
            JCudaDriver.cuFuncSetAttribute(sparseRows, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, sharedBytes);
        }
        int[] resident = new int[1];
        JCudaDriver.cuOccupancyMaxActiveBlocksPerMultiprocessor(resident, sparseRows, SPARSE_THREADS, sharedBytes);
        long residentBlocks = (long) device.multiprocessors() * Math.max(1, resident[0]);
        maxGroups = (int) Math.max(1, Math.min(residentBlocks, MAX_PARTIAL_FLOATS / width));
    }

    /**
     * This dense upload's fused kernel (FusedKernelChoice) and the most blocks that can be resident at once,
     * which bounds the partials.
     */
    private void chooseFusedKernel() {
        fusedChoice = FusedKernelChoice.choose(features, outputs, device.sharedMemoryPerBlock(), device.name(),
                FusedKernelChoice.chosenKernels());
        fusedName = fusedChoice.name();
        fused = fusedChoice.family() == FusedKernelChoice.Family.WIDE ? fusedWide : function(modules.get(0), fusedName);
        if (fusedChoice.sharedBytes() > 48 * 1024) {
            JCudaDriver.cuFuncSetAttribute(fused, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, fusedChoice.sharedBytes());
        }
        int[] resident = new int[1];
        JCudaDriver.cuOccupancyMaxActiveBlocksPerMultiprocessor(resident, fused, fusedChoice.threads(), fusedChoice.sharedBytes());
        long residentBlocks = (long) device.multiprocessors() * Math.max(1, resident[0]);
        maxGroups = (int) Math.max(1, Math.min(residentBlocks, MAX_PARTIAL_FLOATS / width));
    }

    /**
     * Refuses, before allocating, data that cannot fit the device's free memory, naming the sizes; {@code nonZeros}
     * is -1 for dense data.
     */
    private void requireMemory(long nonZeros) {
        long[] free = new long[1];
        long[] total = new long[1];
        JCudaDriver.cuMemGetInfo(free, total);
        long extra = cublasBaseline ? CublasBaseline.deviceBytes(rows, features, device.multiprocessors()) : 0;
        String shortfall = memoryShortfall(device.name(), rows, features, nonZeros, width, maxGroups, extra, free[0],
                total[0]);
        if (shortfall != null) {
            throw new InvalidInputException(shortfall);
        }
    }

    /**
     * Why a problem of this size does not fit {@code free} bytes of device memory, or null when it does;
     * {@code extraBytes} are the cublas baseline's buffers. Each buffer may take up to a granule more
     * than its size.
     */
    static String memoryShortfall(String deviceName, int rows, int features, int width, int maxGroups, long extraBytes,
                                  long free, long total) {
        return memoryShortfall(deviceName, rows, features, -1, width, maxGroups, extraBytes, free, total);
    }

    /** As above, for X as an upload holds it: dense, or sparse with {@code nonZeros} (>= 0) non-zeros. */
    static String memoryShortfall(String deviceName, int rows, int features, long nonZeros, int width, int maxGroups,
                                  long extraBytes, long free, long total) {
        long xBytes = xBytes(rows, features, width / (features + 1), nonZeros);
        long needed = stepBytes(rows, features, width, maxGroups, nonZeros) + (long) ARGS_BYTES * ARGS_SLOTS + extraBytes
                + (long) MAX_BUFFERS * ALLOCATION_GRANULARITY;
        if (needed <= free) {
            return null;
        }
        return String.format(Locale.ROOT,
                "the data does not fit %s: %s needs %,d MiB and the step %,d MiB in all, but the "
                        + "device has %,d MiB free of %,d MiB; use fewer rows or the cpu backend",
                deviceName, describeX(rows, features, nonZeros), xBytes >> 20, needed >> 20, free >> 20, total >> 20);
    }

    @Override
    public void step(long permutationKey, int batchStart, int batchSize, double learningRate) {
        checkUploaded();
        if (cublasBaseline && batchSize != rows) {
            throw new InvalidInputException("the cublas baseline runs full-batch steps only (GEMV over all of X); "
                    + "use cuda for mini-batches");
        }
        int groups = groups(batchSize);
        if (pending > 0 && groups != pendingGroups) {
            runPending();
        }
        if (pending == 0 && argsCopyInFlight) {
            // the previous run's copy of the table must have left the pinned buffer before it is rewritten
            JCudaDriver.cuEventSynchronize(argsCopied);
            argsCopyInFlight = false;
        }
        steps++;
        var optimizer = problem.optimizer();
        double batchWeightSum = batchSize == rows ? weightSum : batchSize * weightSum / rows;
        putArgs(pending, permutationKey, batchStart, batchSize, batchSize != rows, learningRate,
                1 - Math.pow(optimizer.betaOne(), steps), 1 - Math.pow(optimizer.betaTwo(), steps), 1 / batchWeightSum,
                batchSize);
        pending++;
        pendingGroups = groups;
        statsFresh = false;
        if (pending == GRAPH_STEPS) {
            runPending();
        }
    }

    /** Blocks of fused_step for a batch: at least MIN_ROWS_PER_BLOCK rows each, at most what is resident at once. */
    private int groups(int batchSize) {
        return Math.max(1, Math.min(maxGroups, (batchSize + MIN_ROWS_PER_BLOCK - 1) / MIN_ROWS_PER_BLOCK));
    }

    private void putArgs(int slot, long key, int batchStart, int batchSize, boolean shuffled, double learningRate,
                         double biasOne, double biasTwo, double inverseWeightSum, int batchRows) {
        int at = slot * ARGS_BYTES;
        args.putLong(at, key);
        args.putInt(at + 8, batchStart);
        args.putInt(at + 12, batchSize);
        args.putInt(at + 16, shuffled ? 1 : 0);
        args.putFloat(at + 20, (float) learningRate);
        args.putFloat(at + 24, (float) biasOne);
        args.putFloat(at + 28, (float) biasTwo);
        args.putFloat(at + 32, (float) inverseWeightSum);
        args.putFloat(at + 36, (float) batchRows);
        args.putFloat(at + 40, deviceProblem.lossParameter());
        args.putInt(at + 44, 0);
    }

    /** One slot of the pinned args table to the device, in stream order. */
    private void copyArgs(int slot) {
        JCudaDriver.cuMemcpyHtoDAsync(deviceArgs.withByteOffset((long) ARGS_BYTES * slot),
                hostArgs.withByteOffset((long) ARGS_BYTES * slot), ARGS_BYTES, stream);
    }

    /** Runs the pending steps: their scalars to the device, then a graph replay for a full run, else launch by launch. */
    private void runPending() {
        if (pending == 0) {
            return;
        }
        int count = pending;
        int groups = pendingGroups;
        pending = 0;
        try {
            JCudaDriver.cuMemcpyHtoDAsync(deviceArgs, hostArgs, (long) ARGS_BYTES * count, stream);
            JCudaDriver.cuEventRecord(argsCopied, stream);
            argsCopyInFlight = true;
            if (timing) {
                JCudaDriver.cuEventRecord(runStart, stream);
            }
            if (count == GRAPH_STEPS && !cublasBaseline) {
                JCudaDriver.cuGraphLaunch(graphFor(groups), stream);
            } else {
                for (int slot = 0; slot < count; slot++) {
                    launchStep(slot, groups);
                }
            }
            if (timing) {
                JCudaDriver.cuEventRecord(runEnd, stream);
                timedSteps = count;
            }
        } catch (CudaException e) {
            throw failure("a run of " + count + " steps", e);
        }
    }

    /** The graph of GRAPH_STEPS steps with this many fused_step blocks, captured on first use. */
    private CUgraphExec graphFor(int groups) {
        if (graphExec != null && graphGroups == groups) {
            return graphExec;
        }
        destroyGraph();
        CUgraph captured = new CUgraph();
        JCudaDriver.cuStreamBeginCapture(stream, CUstreamCaptureMode.CU_STREAM_CAPTURE_MODE_THREAD_LOCAL);
        RuntimeException failure = null;
        try {
            for (int slot = 0; slot < GRAPH_STEPS; slot++) {
                launchStep(slot, groups);
            }
        } catch (RuntimeException e) {
            failure = e;
        }
        // the capture ends whatever happened; a failure inside it is the one to report (ending an
        // invalidated capture fails too, and says less)
        try {
            JCudaDriver.cuStreamEndCapture(stream, captured);
        } catch (RuntimeException e) {
            if (failure == null) {
                failure = e;
            } else {
                failure.addSuppressed(e);
            }
        }
        if (failure != null) {
            throw failure;
        }
        // kept only once the driver has made it, so that close() never destroys a handle it does not hold
        graph = captured;
        CUgraphExec instantiated = new CUgraphExec();
        JCudaDriver.cuGraphInstantiate(instantiated, graph, 0);
        graphExec = instantiated;
        graphGroups = groups;
        return graphExec;
    }

    private void destroyGraph() {
        if (graphExec != null) {
            JCudaDriver.cuGraphExecDestroy(graphExec);
            graphExec = null;
        }
        if (graph != null) {
            JCudaDriver.cuGraphDestroy(graph);
            graph = null;
        }
    }

    /** fused_step, reduce_partials and update for the step in args slot {@code slot}. */
    private void launchStep(int slot, int groups) {
        if (cublasBaseline) {
            baseline.launchGradient(parameters, sums);
        } else {
            launchSums(slot, groups);
        }
        JCudaDriver.cuLaunchKernel(update, 1, 1, 1, UPDATE_THREADS, 1, 1, 0, stream, launches.updateBySlot[slot], null);
    }

    /** The pass's k d + k sums and loss into sums for args slot {@code slot}: the fused kernel and reduce, or the sparse kernels. */
    private void launchSums(int slot, int groups) {
        if (sparse != null) {
            launchSparse(launches.sparseBySlot[slot], groups);
        } else {
            launch(launches.fusedBySlot[slot], groups);
            launchReduce(groups, width);
        }
    }

    /** Blocks of sparse_clear: a grid-stride loop over the residuals, enough blocks to fill the device. */
    private int clearBlocks() {
        long blocks = ((long) rows * outputs + SPARSE_COLUMN_THREADS - 1) / SPARSE_COLUMN_THREADS;
        return (int) Math.max(1, Math.min(blocks, 8L * device.multiprocessors()));
    }

    /** sparse_step.cu's pass (its header says what each kernel computes), in stream order. */
    private void launchSparse(SparseLaunch launch, int groups) {
        JCudaDriver.cuLaunchKernel(sparseCentre, 1, 1, 1, SPARSE_THREADS, 1, 1, 0, stream, launch.centre(), null);
        JCudaDriver.cuLaunchKernel(sparseClear, clearBlocks(), 1, 1, SPARSE_COLUMN_THREADS, 1, 1, 0, stream, launch.clear(),
                null);
        JCudaDriver.cuLaunchKernel(sparseRows, groups, 1, 1, SPARSE_THREADS, 1, 1, Float.BYTES * SPARSE_THREADS * launch.k(),
                stream, launch.rows(), null);
        int reduceBlocks = (launch.k() + 1 + REDUCE_COLUMNS - 1) / REDUCE_COLUMNS;
        JCudaDriver.cuLaunchKernel(reduce, reduceBlocks, 1, 1, REDUCE_COLUMNS, REDUCE_STRIPES, 1, 0, stream,
                launches.reduce(groups, launch.k(), sparse.rowSums), null);
        int columnBlocks = (features + launch.k() + 1 + SPARSE_COLUMN_THREADS - 1) / SPARSE_COLUMN_THREADS;
        JCudaDriver.cuLaunchKernel(sparseColumns, columnBlocks, 1, 1, SPARSE_COLUMN_THREADS, 1, 1, 0, stream,
                launch.columns(), null);
    }

    /** The sparse pass's arguments for one args slot (or the power iteration): one Pointer set per kernel. */
    private record SparseLaunch(int k, Pointer centre, Pointer clear, Pointer rows, Pointer columns) {
    }

    /** One kernel's launch but for its grid: the function, its block, and its arguments. */
    private record Launch(CUfunction function, int threads, int sharedBytes, Pointer arguments) {
    }

    /**
     * Every launch's arguments, made once per upload: a launch would otherwise build 13-18 Pointer
     * objects, microseconds of host time against a step of about 10 us on the device for small data.
     */
    private final class Launches {
        final Launch[] fusedBySlot = new Launch[ARGS_SLOTS];
        /** For sparse data, the sparse pass per slot, and the power iteration's. */
        final SparseLaunch[] sparseBySlot = new SparseLaunch[ARGS_SLOTS];
        final SparseLaunch sparseGram;
        final Pointer[] updateBySlot = new Pointer[ARGS_SLOTS];
        /** The power iteration's pass: raw features (zero means, unit scales), r = z. */
        final Launch gram;
        private final Map<Long, Pointer> reduceByShape = new HashMap<>();

        Launches() {
            var optimizer = problem.optimizer();
            for (int slot = 0; slot < ARGS_SLOTS; slot++) {
                CUdeviceptr slotArgs = deviceArgs.withByteOffset((long) ARGS_BYTES * slot);
                if (sparse != null) {
                    sparseBySlot[slot] = sparseLaunch(parameters, outputs, deviceProblem.lossKind(), mean, inverseScale, slotArgs);
                } else {
                    fusedBySlot[slot] = fusedLaunch(parameters, outputs, deviceProblem.lossKind(), mean, inverseScale, slotArgs);
                }
                updateBySlot[slot] = Pointer.to(
                        Pointer.to(parameters), Pointer.to(first), Pointer.to(second), Pointer.to(sums),
                        ints(width), ints(features), ints(problem.penalizedCount()), ints(problem.intercept() ? 1 : 0),
                        Pointer.to(l2Factor), Pointer.to(l1Factor), ints(optimizer.kind().ordinal()),
                        floats(optimizer.momentum()), floats(optimizer.betaOne()), floats(optimizer.betaTwo()),
                        floats(optimizer.rho()), floats(optimizer.epsilon()), Pointer.to(slotArgs), Pointer.to(stats));
            }
            gram = sparse != null ? null : fusedLaunch(gramVector, 1, DeviceProblem.GRAM_LOSS_KIND, zeros, ones, wholeDataArgs());
            sparseGram = sparse == null ? null
                    : sparseLaunch(gramVector, 1, DeviceProblem.GRAM_LOSS_KIND, zeros, ones, wholeDataArgs());
        }

        /** reduce_partials' arguments for this many partials of this width, into sums. */
        Pointer reduce(int groups, int columns) {
            return reduce(groups, columns, sums);
        }

        /** reduce_partials' arguments for this many partials of this width, into {@code target} (sums or the row sums). */
        Pointer reduce(int groups, int columns, CUdeviceptr target) {
            long shape = ((long) groups << 32) | ((long) columns << 1) | (target == sums ? 0 : 1);
            return reduceByShape.computeIfAbsent(shape, key -> Pointer.to(Pointer.to(partial), Pointer.to(partialLoss),
                    ints(groups), ints(columns), Pointer.to(target)));
        }
    }

    /** The sparse pass's arguments at {@code params} (k outputs) in the coordinates of {@code centre} and {@code inverse}. */
    private SparseLaunch sparseLaunch(CUdeviceptr params, int k, int lossKind, CUdeviceptr centre, CUdeviceptr inverse,
                                      CUdeviceptr slotArgs) {
        return new SparseLaunch(k,
                Pointer.to(Pointer.to(centre), Pointer.to(inverse), Pointer.to(params), ints(features), ints(k),
                        Pointer.to(sparse.centre)),
                Pointer.to(Pointer.to(sparse.residual), Pointer.to(new long[] {(long) rows * k}), Pointer.to(slotArgs)),
                Pointer.to(Pointer.to(sparse.rowOffsets), Pointer.to(sparse.columns), Pointer.to(sparse.values), Pointer.to(y),
                        Pointer.to(sampleWeights), ints(hasWeights ? 1 : 0), Pointer.to(inverse), Pointer.to(params),
                        Pointer.to(sparse.centre), ints(rows), ints(features), ints(k), ints(lossKind), Pointer.to(slotArgs),
                        Pointer.to(sparse.residual), Pointer.to(partial), Pointer.to(partialLoss)),
                Pointer.to(Pointer.to(sparse.columnOffsets), Pointer.to(sparse.rowIndices), Pointer.to(sparse.columnValues),
                        Pointer.to(sparse.residual), Pointer.to(centre), Pointer.to(inverse), Pointer.to(sparse.rowSums),
                        ints(features), ints(k), Pointer.to(sums)));
    }

    /**
     * This upload's fused_softmax or fused_tiled (for k up to the problem's outputs, the power iteration's
     * k = 1 too), or fused_wide for several outputs (and where chosen), else its fused_narrow.
     */
    private Launch fusedLaunch(CUdeviceptr params, int k, int lossKind, CUdeviceptr centre, CUdeviceptr inverse,
                               CUdeviceptr slotArgs) {
        FusedKernelChoice.Family family = fusedChoice.family();
        if (family == FusedKernelChoice.Family.SOFTMAX) {
            return new Launch(fused, fusedChoice.threads(), 0, Pointer.to(Pointer.to(x), Pointer.to(y), Pointer.to(sampleWeights),
                    ints(hasWeights ? 1 : 0), Pointer.to(centre), Pointer.to(inverse), Pointer.to(params), ints(rows),
                    ints(features), ints(k), ints(lossKind), Pointer.to(slotArgs), Pointer.to(partial), Pointer.to(partialLoss)));
        }
        if (family == FusedKernelChoice.Family.TILED) {
            return new Launch(fused, fusedChoice.threads(), fusedChoice.sharedBytes(), Pointer.to(Pointer.to(x), Pointer.to(y),
                    Pointer.to(sampleWeights), ints(hasWeights ? 1 : 0), Pointer.to(centre), Pointer.to(inverse),
                    Pointer.to(params), ints(rows), ints(features), ints(k), ints(lossKind), ints(fusedChoice.tileRows()),
                    Pointer.to(slotArgs), Pointer.to(partial), Pointer.to(partialLoss)));
        }
        if (family == FusedKernelChoice.Family.WIDE || k != 1) {
            return new Launch(fusedWide, FusedKernelChoice.WIDE_THREADS, FusedKernelChoice.wideSharedBytes(k), Pointer.to(Pointer.to(x),
                    Pointer.to(y), Pointer.to(sampleWeights), ints(hasWeights ? 1 : 0), Pointer.to(centre),
                    Pointer.to(inverse), Pointer.to(params), ints(rows), ints(features), ints(k), ints(lossKind),
                    Pointer.to(slotArgs), Pointer.to(partial), Pointer.to(partialLoss)));
        }
        return new Launch(fused, fusedChoice.threads(), 0, Pointer.to(Pointer.to(x), Pointer.to(y), Pointer.to(sampleWeights),
                ints(hasWeights ? 1 : 0), Pointer.to(centre), Pointer.to(inverse), Pointer.to(params), ints(rows),
                ints(features), ints(lossKind), Pointer.to(slotArgs), Pointer.to(partial), Pointer.to(partialLoss)));
    }

    private void launch(Launch launch, int groups) {
        JCudaDriver.cuLaunchKernel(launch.function(), groups, 1, 1, launch.threads(), 1, 1, launch.sharedBytes(), stream,
                launch.arguments(), null);
    }

    private void launchReduce(int groups, int columns) {
        int blocks = (columns + 1 + REDUCE_COLUMNS - 1) / REDUCE_COLUMNS;
        JCudaDriver.cuLaunchKernel(reduce, blocks, 1, 1, REDUCE_COLUMNS, REDUCE_STRIPES, 1, 0, stream,
                launches.reduce(groups, columns), null);
    }

    @Override
    protected float[] fusedSums(boolean shuffled, long key, int start, int size) {
        runPending();
        float[] result = new float[width + 1];
        try {
            int slot = WHOLE_DATA_SLOT;
            if (shuffled) {
                // the slot's previous copy has run: every call here ends with the stream drained
                putArgs(SUMS_BATCH_SLOT, key, start, size, true, 0, 1, 1, 0, size);
                copyArgs(SUMS_BATCH_SLOT);
                slot = SUMS_BATCH_SLOT;
            }
            launchSums(slot, groups(size));
            synchronize();
            read(sums, result);
        } catch (CudaException e) {
            throw failure("the data-term sums over " + size + " rows", e);
        }
        return result;
    }

    @Override
    protected float[] gramSums(float[] vector) {
        runPending();
        float[] result = new float[features + 2];
        try {
            synchronize();
            write(gramVector, vector);
            int groups = groups(rows);
            if (sparse != null) {
                launchSparse(launches.sparseGram, groups);
            } else {
                launch(launches.gram, groups);
                launchReduce(groups, features + 1);
            }
            synchronize();
            read(sums, result);
        } catch (CudaException e) {
            throw failure("the power iteration", e);
        }
        return result;
    }

    private CUdeviceptr wholeDataArgs() {
        return deviceArgs.withByteOffset((long) ARGS_BYTES * WHOLE_DATA_SLOT);
    }

    @Override
    public void measureDeviceTime(boolean on) {
        timing = on;
    }

    /** The last run of steps on the device's clock (events), divided by its steps. */
    @Override
    public double lastStepDeviceMillis() {
        checkUploaded();
        runPending();
        if (!timing || timedSteps == 0) {
            return Double.NaN;
        }
        float[] millis = new float[1];
        JCudaDriver.cuEventSynchronize(runEnd);
        JCudaDriver.cuEventElapsedTime(millis, runStart, runEnd);
        return millis[0] / timedSteps;
    }

    /** Times stream_read over X (once to warm up, then the median of five) and returns bytes per second. */
    @Override
    public double measureReadBandwidth() {
        checkUploaded();
        runPending();
        long count4 = streamedFloats() / 4;
        if (count4 == 0) {
            return Double.NaN;
        }
        // 2,048 threads fill an SM of every architecture descent builds for (sm_75 takes 1,024: the rest wait)
        int blocks = STREAM_BLOCKS_PER_SM * device.multiprocessors();
        CUdeviceptr out = scratch((long) blocks * STREAM_THREADS);
        try {
            Pointer kernelParameters = Pointer.to(Pointer.to(streamedX()), Pointer.to(new long[] {count4}), Pointer.to(out));
            float[] millis = new float[6];
            for (int run = 0; run < millis.length; run++) {
                JCudaDriver.cuEventRecord(runStart, stream);
                JCudaDriver.cuLaunchKernel(streamRead, blocks, 1, 1, STREAM_THREADS, 1, 1, 0, stream, kernelParameters, null);
                JCudaDriver.cuEventRecord(runEnd, stream);
                JCudaDriver.cuEventSynchronize(runEnd);
                float[] elapsed = new float[1];
                JCudaDriver.cuEventElapsedTime(elapsed, runStart, runEnd);
                millis[run] = elapsed[0];
            }
            timedSteps = 0;
            float[] timed = Arrays.copyOfRange(millis, 1, millis.length);
            Arrays.sort(timed);
            return 16.0 * count4 / (timed[timed.length / 2] / 1e3);
        } catch (CudaException e) {
            throw failure("measuring read bandwidth", e);
        } finally {
            buffers.remove(out);
            JCudaDriver.cuMemFree(out);
        }
    }

    /** Frees everything this instance holds; each release is tried even when an earlier one fails. */
    @Override
    public void close() {
        if (!markClosed()) {
            return;
        }
        if (context == null) {
            return;
        }
        List<RuntimeException> failures = new ArrayList<>();
        attempt(failures, () -> JCudaDriver.cuCtxSetCurrent(context));
        if (stream != null) {
            attempt(failures, () -> JCudaDriver.cuStreamSynchronize(stream));
        }
        attempt(failures, this::destroyGraph);
        if (baseline != null) {
            attempt(failures, baseline::destroy);
        }
        for (CUdeviceptr buffer : buffers) {
            attempt(failures, () -> JCudaDriver.cuMemFree(buffer));
        }
        buffers.clear();
        for (CUevent event : events) {
            attempt(failures, () -> JCudaDriver.cuEventDestroy(event));
        }
        events.clear();
        if (hostArgs != null) {
            attempt(failures, () -> JCudaDriver.cuMemFreeHost(hostArgs));
        }
        if (hostStats != null) {
            attempt(failures, () -> JCudaDriver.cuMemFreeHost(hostStats));
        }
        if (stream != null) {
            attempt(failures, () -> JCudaDriver.cuStreamDestroy(stream));
        }
        for (CUmodule module : modules) {
            attempt(failures, () -> JCudaDriver.cuModuleUnload(module));
        }
        modules.clear();
        // the primary context stays: the process holds it (CudaDevices.primaryContext)
        context = null;
        if (!failures.isEmpty()) {
            throw failure("closing", failures.get(0));
        }
    }

    private static void attempt(List<RuntimeException> failures, Runnable release) {
        try {
            release.run();
        } catch (RuntimeException e) {
            failures.add(e);
        }
    }

    @Override
    protected CUdeviceptr input(float[] values) {
        CUdeviceptr buffer = allocate((long) Sizeof.FLOAT * values.length);
        write(buffer, values);
        return buffer;
    }

    @Override
    protected CUdeviceptr input(int[] values) {
        CUdeviceptr buffer = allocate((long) Sizeof.INT * values.length);
        // pageable source: the driver has staged it when the call returns
        JCudaDriver.cuMemcpyHtoDAsync(buffer, Pointer.to(values), (long) Sizeof.INT * values.length, stream);
        return buffer;
    }

    @Override
    protected CUdeviceptr scratch(long floats) {
        CUdeviceptr buffer = allocate(Sizeof.FLOAT * Math.max(1, floats));
        JCudaDriver.cuMemsetD32Async(buffer, 0, Math.max(1, floats), stream);
        return buffer;
    }

    private CUdeviceptr allocate(long bytes) {
        CUdeviceptr buffer = new CUdeviceptr();
        JCudaDriver.cuMemAlloc(buffer, bytes);
        buffers.add(buffer);
        return buffer;
    }

    /** Waits for this instance's stream (before the host reads what its kernels wrote). */
    private void synchronize() {
        JCudaDriver.cuStreamSynchronize(stream);
    }

    @Override
    protected void write(CUdeviceptr buffer, float[] values) {
        // pageable source: the driver has staged it when the call returns, so the array may change after
        JCudaDriver.cuMemcpyHtoDAsync(buffer, Pointer.to(values), (long) Sizeof.FLOAT * values.length, stream);
    }

    /**
     * The statistics after the pending steps: their copy to pinned memory is queued behind them, so one
     * wait covers both (a plain read would wait for the steps, then start a copy and wait again).
     */
    @Override
    protected void readStepStatistics(float[] into) {
        runPending();
        try {
            JCudaDriver.cuMemcpyDtoHAsync(hostStats, stats, STATS_BYTES, stream);
            synchronize();
        } catch (CudaException e) {
            throw failure("reading the step's statistics", e);
        }
        hostStatsBuffer.asFloatBuffer().get(into, 0, 3);
    }

    /** The pending steps run, then the stream drains. */
    @Override
    protected void flush() {
        runPending();
        synchronize();
    }

    @Override
    protected void copy(CUdeviceptr from, CUdeviceptr to, int floats) {
        JCudaDriver.cuMemcpyDtoDAsync(to, from, (long) Float.BYTES * floats, stream);
    }

    @Override
    protected void clear(CUdeviceptr buffer, int floats) {
        JCudaDriver.cuMemsetD32Async(buffer, 0, floats, stream);
    }

    @Override
    protected void read(CUdeviceptr buffer, float[] values) {
        // to pageable memory: returns once the copy, after the stream's earlier work, is done
        JCudaDriver.cuMemcpyDtoHAsync(Pointer.to(values), buffer, (long) Sizeof.FLOAT * values.length, stream);
    }

    private static Pointer ints(int value) {
        return Pointer.to(new int[] {value});
    }

    private static Pointer floats(double value) {
        return Pointer.to(new float[] {(float) value});
    }

    private DescentException failure(String operation, RuntimeException e) {
        return new DescentException("CUDA error during " + operation + " on " + device.name() + ": " + e.getMessage()
                + (problem == null ? "" : String.format(Locale.ROOT, " (%d rows, %d features, %d outputs, kernel %s)", rows,
                features, outputs, fusedName)), e);
    }

    /** Makes this instance's context current on the calling thread (it may have moved threads). */
    @Override
    protected void makeCurrent() {
        JCudaDriver.cuCtxSetCurrent(context);
    }
}
