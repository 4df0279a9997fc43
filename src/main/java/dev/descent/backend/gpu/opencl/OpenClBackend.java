package dev.descent.backend.gpu.opencl;

import static org.jocl.CL.CL_MEM_COPY_HOST_PTR;
import static org.jocl.CL.CL_MEM_READ_ONLY;
import static org.jocl.CL.CL_MEM_READ_WRITE;
import static org.jocl.CL.CL_PROGRAM_BUILD_LOG;
import static org.jocl.CL.CL_TRUE;

import dev.descent.DescentException;
import dev.descent.InvalidInputException;
import dev.descent.backend.Availability;
import dev.descent.backend.Backend;
import dev.descent.backend.BackendProvider;
import dev.descent.backend.gpu.DeviceBackend;
import dev.descent.backend.gpu.DeviceProblem;
import dev.descent.data.Dataset;
import dev.descent.optim.Problem;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_context_properties;
import org.jocl.cl_device_id;
import org.jocl.cl_event;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;
import org.jocl.cl_program;

/**
 * The OpenCL backend: X, y and the sample weights are uploaded once; each step is three kernels
 * (kernels/fused_step.cl, reduce_partials.cl, update.cl) with no transfer; the objective and the
 * gradient norm (two floats) are read only when asked for, and the parameters at the end. Sparse
 * (CSR) data is uploaded as CSR and a CSC copy, and its sums come from kernels/sparse_step.cl
 * (rows, then columns: no atomics) in place of fused_step.
 *
 * <p>The kernels work in the optimizer's standardized coordinates (Problem's feature mean and scale):
 * fused_step centres and scales each x on the fly, so the parameters on the device are w', b', and
 * the ridge and lasso enter per feature as l2 / s_j^2 and l1 / s_j. The host maps parameters in and
 * out with {@link DeviceProblem}. Device arithmetic is
 * float32; sums are in fixed orders, so runs are bit-reproducible on one device.
 *
 * <p>One context and queue per instance; an instance belongs to the thread that uses it.
 */
public final class OpenClBackend extends DeviceBackend<cl_mem> {
    /**
     * One program build at a time in this JVM: PoCL's kernel cache renames temporary files that two
     * concurrent builds share, and one of them then fails ("unable to rename temporary ..."), as two
     * threads each opening a backend showed. A build happens once per instance, so the wait is short.
     */
    private static final Object BUILD_LOCK = new Object();

    /** Work-group size of fused_step: a power of two that every OpenCL device offers. */
    static final int LOCAL = 64;
    /** Rows per sub-block of fused_step: the rows whose dot products are reduced together. */
    static final int SUB = 16;
    /** Work-group size of the update kernel (one group updates all parameters). */
    static final int UPDATE_LOCAL = 256;
    /** At most this many work-groups per step: enough to fill a large GPU, few enough partials to reduce. */
    static final int MAX_GROUPS = 1024;
    /** Cap on the floats of all partials together (64 MiB), which bounds wide softmax problems. */
    static final long MAX_PARTIAL_FLOATS = 1L << 24;

    private final OpenClDevices.Device device;
    private cl_context context;
    private cl_command_queue queue;
    private cl_program program;
    private cl_kernel fused;
    private cl_kernel reduce;
    private cl_kernel update;
    private cl_kernel streamRead;
    private cl_kernel sparseCentre;
    private cl_kernel sparseRows;
    private cl_kernel sparseColumns;
    private final List<cl_mem> buffers = new ArrayList<>();

    private boolean timing;
    private cl_event stepStart;
    private cl_event stepEnd;

    /** Available when some OpenCL device exists; auto takes it only for a GPU. */
    public static final class Provider implements BackendProvider {
        @Override
        public String name() {
            return "opencl";
        }

        @Override
        public Availability availability() {
            OpenClDevices.Discovery discovery = OpenClDevices.discover();
            if (discovery.devices().isEmpty()) {
                return Availability.unavailable(discovery.reason());
            }
            return Availability.available(preferred(discovery.devices()).describe());
        }

        @Override
        public String autoSkipReason() {
            return OpenClDevices.autoSkipReason(OpenClDevices.installedDrivers());
        }

        @Override
        public boolean eligibleForAuto() {
            return OpenClDevices.discover().devices().stream().anyMatch(OpenClDevices.Device::gpu);
        }

        @Override
        public boolean takesSparse() {
            return true;
        }

        @Override
        public String autoIneligibleReason() {
            return "no OpenCL GPU (auto prefers the cpu backend to an OpenCL CPU device)";
        }

        @Override
        public List<String> deviceDescriptions() {
            return OpenClDevices.discover().devices().stream().map(OpenClDevices.Device::describe).toList();
        }

        @Override
        public Backend create() {
            return new OpenClBackend(preferred(OpenClDevices.discover().devices()));
        }

        @Override
        public Backend create(String selector) {
            return new OpenClBackend(BackendProvider.deviceAt(name(), selector, OpenClDevices.discover().devices()));
        }

        private static OpenClDevices.Device preferred(List<OpenClDevices.Device> devices) {
            return devices.stream().filter(OpenClDevices.Device::gpu).findFirst().orElse(devices.get(0));
        }
    }

    OpenClBackend(OpenClDevices.Device device) {
        this.device = device;
        try {
            cl_context_properties properties = new cl_context_properties();
            properties.addProperty(CL.CL_CONTEXT_PLATFORM, device.platform());
            context = CL.clCreateContext(properties, 1, new cl_device_id[] {device.id()}, null, null, null);
            queue = CL.clCreateCommandQueue(context, device.id(), CL.CL_QUEUE_PROFILING_ENABLE, null);
            program = build(KernelSource.openClProgram("fused_step.cl", "reduce_partials.cl", "update.cl", "sparse_step.cl"));
            fused = CL.clCreateKernel(program, "fused_step", null);
            reduce = CL.clCreateKernel(program, "reduce_partials", null);
            update = CL.clCreateKernel(program, "update", null);
            streamRead = CL.clCreateKernel(program, "stream_read", null);
            sparseCentre = CL.clCreateKernel(program, "sparse_centre", null);
            sparseRows = CL.clCreateKernel(program, "sparse_rows", null);
            sparseColumns = CL.clCreateKernel(program, "sparse_columns", null);
            SignalChaining.warnOnceIfUnchained();
        } catch (RuntimeException e) {
            close();
            throw e instanceof DescentException ? e : failure("starting on " + device.name(), e);
        }
    }

    /** Builds a program for this device; a failure carries the compiler's log. Visible for the build-failure test. */
    cl_program build(String source) {
        cl_program built = CL.clCreateProgramWithSource(context, 1, new String[] {source}, null, null);
        String options = "-cl-std=CL1.2 -DLOCAL=" + LOCAL + " -DSUB=" + SUB + " -DUPDATE_LOCAL=" + UPDATE_LOCAL;
        try {
            synchronized (BUILD_LOCK) {
                CL.clBuildProgram(built, 1, new cl_device_id[] {device.id()}, options, null, null);
            }
            return built;
        } catch (CLException e) {
            long[] size = new long[1];
            CL.clGetProgramBuildInfo(built, device.id(), CL_PROGRAM_BUILD_LOG, 0, null, size);
            byte[] log = new byte[(int) size[0]];
            CL.clGetProgramBuildInfo(built, device.id(), CL_PROGRAM_BUILD_LOG, log.length, Pointer.to(log), null);
            CL.clReleaseProgram(built);
            throw new DescentException("OpenCL kernel build failed on " + device.name() + " (" + e.getMessage()
                    + "); build log:\n" + new String(log, 0, Math.max(0, log.length - 1)).trim());
        }
    }

    @Override
    public String name() {
        return "opencl";
    }

    @Override
    public String device() {
        return device.name() + " (" + device.platformName() + "), float32";
    }

    /** Sparse data takes CSR rows as they are ({@link SparseBuffers}). */
    @Override
    public boolean takesSparse() {
        return true;
    }

    @Override
    protected void allocate(Dataset data) {
        this.maxGroups = (int) Math.max(1, Math.min(MAX_GROUPS, MAX_PARTIAL_FLOATS / width));
        requireMemory(data.isSparse() ? data.sparseFeatures().nonZeros() : -1);
        try {
            allocateCommon(data);
        } catch (CLException e) {
            throw failure("uploading " + rows + " x " + features, e);
        }
    }

    /**
     * Refuses, before allocating, data that cannot fit the device, naming the sizes; {@code nonZeros} is -1 for
     * dense data.
     */
    private void requireMemory(long nonZeros) {
        long localBytes = nonZeros >= 0 ? 4L * LOCAL * (outputs + 1) : 4L * SUB * (LOCAL + outputs) + 8L * SUB;
        if (localBytes > device.localMemory()) {
            throw new InvalidInputException(String.format(Locale.ROOT,
                    "%d classes need %,d bytes of local memory per work-group on %s, which has %,d; use the cpu backend",
                    outputs, localBytes, device.name(), device.localMemory()));
        }
        // the largest buffer: dense X, or sparse X's values (as many as its indices)
        long largest = nonZeros >= 0 ? 4L * nonZeros : 4L * rows * features;
        long total = stepBytes(rows, features, width, maxGroups, nonZeros);
        if (largest > device.maxAllocation() || total > device.globalMemory()) {
            throw new InvalidInputException(String.format(Locale.ROOT,
                    "the data does not fit %s: %s needs %,d MiB in one buffer and %,d MiB in all, but the "
                            + "device has %,d MiB with buffers of at most %,d MiB; use fewer rows or the cpu backend",
                    device.name(), describeX(rows, features, nonZeros), largest >> 20, total >> 20,
                    device.globalMemory() >> 20,
                    device.maxAllocation() >> 20));
        }
    }

    @Override
    public void step(long permutationKey, int batchStart, int batchSize, double learningRate) {
        checkUploaded();
        try {
            releaseStepEvents();
            if (timing) {
                stepStart = new cl_event();
                stepEnd = new cl_event();
            }
            runSums(parameters, outputs, deviceProblem.lossKind(), mean, inverseScale, batchSize != rows, permutationKey,
                    batchStart, batchSize, stepStart);
            steps++;
            double batchWeightSum = batchSize == rows ? weightSum : batchSize * weightSum / rows;
            var optimizer = problem.optimizer();
            int arg = 0;
            arg = memory(update, arg, parameters, first, second, sums);
            arg = floats(update, arg, (float) (1 / batchWeightSum));
            arg = ints(update, arg, width, features, problem.penalizedCount(), problem.intercept() ? 1 : 0);
            arg = memory(update, arg, l2Factor, l1Factor);
            arg = ints(update, arg, optimizer.kind().ordinal());
            arg = floats(update, arg, (float) learningRate, (float) optimizer.momentum(), (float) optimizer.betaOne(),
                    (float) optimizer.betaTwo(), (float) optimizer.rho(), (float) optimizer.epsilon(),
                    (float) (1 - Math.pow(optimizer.betaOne(), steps)), (float) (1 - Math.pow(optimizer.betaTwo(), steps)));
            arg = memory(update, arg, stats);
            floats(update, arg, (float) batchSize);
            CL.clEnqueueNDRangeKernel(queue, update, 1, null, new long[] {UPDATE_LOCAL}, new long[] {UPDATE_LOCAL}, 0, null,
                    stepEnd);
            statsFresh = false;
        } catch (CLException e) {
            throw failure("a step on " + batchSize + " rows", e);
        }
    }

    @Override
    protected float[] fusedSums(boolean shuffled, long key, int start, int size) {
        float[] result = new float[width + 1];
        try {
            runSums(parameters, outputs, deviceProblem.lossKind(), mean, inverseScale, shuffled, key, start, size, null);
            read(sums, result);
        } catch (CLException e) {
            throw failure("the data-term sums over " + size + " rows", e);
        }
        return result;
    }

    @Override
    protected float[] gramSums(float[] vector) {
        float[] result = new float[features + 2];
        try {
            write(gramVector, vector);
            runSums(gramVector, 1, DeviceProblem.GRAM_LOSS_KIND, zeros, ones, false, 0, 0, rows, null);
            read(sums, result);
        } catch (CLException e) {
            throw failure("the power iteration", e);
        }
        return result;
    }

    /**
     * Enqueues one pass's k d + k sums and loss into {@link #sums}, at {@code params} in the coordinates of
     * {@code centre} and {@code inverse}: fused_step and reduce_partials for dense rows, the sparse kernels for
     * CSR rows; {@code event} (or null) marks the first kernel.
     */
    private void runSums(cl_mem params, int k, int kind, cl_mem centre, cl_mem inverse, boolean shuffled, long key,
                         int start, int size, cl_event event) {
        if (sparse == null) {
            int groups = runFused(params, k, kind, centre, inverse, shuffled, key, start, size, event);
            runReduce(groups, k * features + k, sums);
            return;
        }
        int arg = memory(sparseCentre, 0, centre, inverse, params);
        arg = ints(sparseCentre, arg, features, k);
        memory(sparseCentre, arg, sparse.centre);
        CL.clEnqueueNDRangeKernel(queue, sparseCentre, 1, null, new long[] {LOCAL}, new long[] {LOCAL}, 0, null, event);
        if (shuffled) {
            // the rows outside the batch add nothing to the columns' sums
            CL.clEnqueueFillBuffer(queue, sparse.residual, Pointer.to(new float[] {0f}), Sizeof.cl_float, 0,
                    (long) Sizeof.cl_float * rows * k, 0, null, null);
        }
        int rowsPerGroup = Math.max(LOCAL, ((size + maxGroups - 1) / maxGroups + LOCAL - 1) / LOCAL * LOCAL);
        int groups = (size + rowsPerGroup - 1) / rowsPerGroup;
        arg = memory(sparseRows, 0, sparse.rowOffsets, sparse.columns, sparse.values, y, sampleWeights);
        arg = ints(sparseRows, arg, hasWeights ? 1 : 0);
        arg = memory(sparseRows, arg, inverse, params, sparse.centre);
        arg = ints(sparseRows, arg, rows, features, k, kind);
        arg = floats(sparseRows, arg, deviceProblem.lossParameter());
        arg = ints(sparseRows, arg, shuffled ? 1 : 0);
        CL.clSetKernelArg(sparseRows, arg++, Sizeof.cl_long, Pointer.to(new long[] {key}));
        arg = ints(sparseRows, arg, start, size, rowsPerGroup);
        arg = memory(sparseRows, arg, sparse.residual, partial, partialLoss);
        CL.clSetKernelArg(sparseRows, arg, (long) Sizeof.cl_float * LOCAL * k, null);
        CL.clEnqueueNDRangeKernel(queue, sparseRows, 1, null, new long[] {(long) groups * LOCAL}, new long[] {LOCAL}, 0,
                null, null);
        runReduce(groups, k, sparse.rowSums);
        arg = memory(sparseColumns, 0, sparse.columnOffsets, sparse.rowIndices, sparse.columnValues, sparse.residual,
                centre, inverse, sparse.rowSums);
        arg = ints(sparseColumns, arg, features, k);
        memory(sparseColumns, arg, sums);
        long global = (features + k + 1L + 63) / 64 * 64;
        CL.clEnqueueNDRangeKernel(queue, sparseColumns, 1, null, new long[] {global}, new long[] {64}, 0, null, null);
    }

    /** Enqueues fused_step; returns the number of work-groups (and so of partials). */
    private int runFused(cl_mem params, int k, int kind, cl_mem centre, cl_mem inverse, boolean shuffled, long key,
                         int start, int size, cl_event event) {
        int rowsPerGroup = Math.max(SUB, ((size + maxGroups - 1) / maxGroups + SUB - 1) / SUB * SUB);
        int groups = (size + rowsPerGroup - 1) / rowsPerGroup;
        int arg = 0;
        arg = memory(fused, arg, x, y, sampleWeights);
        arg = ints(fused, arg, hasWeights ? 1 : 0);
        arg = memory(fused, arg, centre, inverse, params);
        arg = ints(fused, arg, rows, features, k, kind);
        arg = floats(fused, arg, deviceProblem.lossParameter());
        arg = ints(fused, arg, shuffled ? 1 : 0);
        CL.clSetKernelArg(fused, arg++, Sizeof.cl_long, Pointer.to(new long[] {key}));
        arg = ints(fused, arg, start, size, rowsPerGroup);
        arg = memory(fused, arg, partial, partialLoss);
        CL.clSetKernelArg(fused, arg++, (long) Sizeof.cl_float * SUB * LOCAL, null);
        CL.clSetKernelArg(fused, arg, (long) Sizeof.cl_float * SUB * k, null);
        CL.clEnqueueNDRangeKernel(queue, fused, 1, null, new long[] {(long) groups * LOCAL}, new long[] {LOCAL}, 0, null, event);
        return groups;
    }

    /** Sums the first {@code groups} partials of {@code columns} columns, and their losses, into {@code target}. */
    private void runReduce(int groups, int columns, cl_mem target) {
        int arg = memory(reduce, 0, partial, partialLoss);
        arg = ints(reduce, arg, groups, columns);
        memory(reduce, arg, target);
        long global = (columns + 1L + 63) / 64 * 64;
        CL.clEnqueueNDRangeKernel(queue, reduce, 1, null, new long[] {global}, new long[] {64}, 0, null, null);
    }

    @Override
    public void measureDeviceTime(boolean on) {
        timing = on;
    }

    /** From the start of the step's fused_step to the end of its update, on the device's clock (profiling events). */
    @Override
    public double lastStepDeviceMillis() {
        checkUploaded();
        if (stepStart == null || stepEnd == null) {
            return Double.NaN;
        }
        CL.clWaitForEvents(1, new cl_event[] {stepEnd});
        long[] begin = new long[1];
        long[] end = new long[1];
        CL.clGetEventProfilingInfo(stepStart, CL.CL_PROFILING_COMMAND_START, Sizeof.cl_ulong, Pointer.to(begin), null);
        CL.clGetEventProfilingInfo(stepEnd, CL.CL_PROFILING_COMMAND_END, Sizeof.cl_ulong, Pointer.to(end), null);
        return (end[0] - begin[0]) / 1e6;
    }

    private void releaseStepEvents() {
        if (stepStart != null) {
            CL.clReleaseEvent(stepStart);
            stepStart = null;
        }
        if (stepEnd != null) {
            CL.clReleaseEvent(stepEnd);
            stepEnd = null;
        }
    }

    /** Work-items of stream_read: enough to keep a large GPU's memory system busy. */
    static final int STREAM_WORK_ITEMS = 1 << 16;

    /** Times stream_read over X (sparse: its values) once to warm up, then the median of five; returns bytes per second. */
    @Override
    public double measureReadBandwidth() {
        checkUploaded();
        int count4 = (int) (streamedFloats() / 4);
        if (count4 == 0) {
            return Double.NaN;
        }
        cl_mem out = scratch(STREAM_WORK_ITEMS);
        try {
            int arg = memory(streamRead, 0, streamedX());
            arg = ints(streamRead, arg, count4);
            memory(streamRead, arg, out);
            double[] seconds = new double[6];
            for (int run = 0; run < seconds.length; run++) {
                long start = System.nanoTime();
                CL.clEnqueueNDRangeKernel(queue, streamRead, 1, null, new long[] {STREAM_WORK_ITEMS}, new long[] {LOCAL},
                        0, null, null);
                CL.clFinish(queue);
                seconds[run] = (System.nanoTime() - start) / 1e9;
            }
            double[] timed = Arrays.copyOfRange(seconds, 1, seconds.length);
            Arrays.sort(timed);
            return 16.0 * count4 / timed[timed.length / 2];
        } catch (CLException e) {
            throw failure("measuring read bandwidth", e);
        } finally {
            buffers.remove(out);
            CL.clReleaseMemObject(out);
        }
    }

    @Override
    public void close() {
        if (!markClosed()) {
            return;
        }
        releaseStepEvents();
        for (cl_mem buffer : buffers) {
            CL.clReleaseMemObject(buffer);
        }
        buffers.clear();
        for (cl_kernel kernel : new cl_kernel[] {fused, reduce, update, streamRead, sparseCentre, sparseRows, sparseColumns}) {
            if (kernel != null) {
                CL.clReleaseKernel(kernel);
            }
        }
        if (program != null) {
            CL.clReleaseProgram(program);
        }
        if (queue != null) {
            CL.clReleaseCommandQueue(queue);
        }
        if (context != null) {
            CL.clReleaseContext(context);
        }
    }

    @Override
    protected cl_mem input(float[] values) {
        return readOnlyCopy((long) Sizeof.cl_float * values.length, Pointer.to(values));
    }

    @Override
    protected cl_mem input(int[] values) {
        return readOnlyCopy((long) Sizeof.cl_int * values.length, Pointer.to(values));
    }

    /** A read-only buffer holding a copy of {@code bytes} bytes of host memory, freed with the upload. */
    private cl_mem readOnlyCopy(long bytes, Pointer host) {
        cl_mem buffer = CL.clCreateBuffer(context, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR, bytes, host, null);
        buffers.add(buffer);
        return buffer;
    }

    @Override
    protected cl_mem scratch(long floats) {
        cl_mem buffer = CL.clCreateBuffer(context, CL_MEM_READ_WRITE, Sizeof.cl_float * Math.max(1, floats), null, null);
        buffers.add(buffer);
        return buffer;
    }

    @Override
    protected void write(cl_mem buffer, float[] values) {
        CL.clEnqueueWriteBuffer(queue, buffer, CL_TRUE, 0, (long) Sizeof.cl_float * values.length, Pointer.to(values), 0, null, null);
    }

    /** Nothing to wait for: one in-order queue, and every read blocks until the commands before it are done. */
    @Override
    protected void flush() {
    }

    @Override
    protected void copy(cl_mem from, cl_mem to, int floats) {
        CL.clEnqueueCopyBuffer(queue, from, to, 0, 0, (long) Sizeof.cl_float * floats, 0, null, null);
    }

    @Override
    protected void clear(cl_mem buffer, int floats) {
        write(buffer, new float[floats]);
    }

    @Override
    protected void read(cl_mem buffer, float[] values) {
        CL.clEnqueueReadBuffer(queue, buffer, CL_TRUE, 0, (long) Sizeof.cl_float * values.length, Pointer.to(values), 0, null, null);
    }

    private static int memory(cl_kernel kernel, int index, cl_mem... values) {
        for (cl_mem value : values) {
            CL.clSetKernelArg(kernel, index++, Sizeof.cl_mem, Pointer.to(value));
        }
        return index;
    }

    private static int ints(cl_kernel kernel, int index, int... values) {
        for (int value : values) {
            CL.clSetKernelArg(kernel, index++, Sizeof.cl_int, Pointer.to(new int[] {value}));
        }
        return index;
    }

    private static int floats(cl_kernel kernel, int index, float... values) {
        for (float value : values) {
            CL.clSetKernelArg(kernel, index++, Sizeof.cl_float, Pointer.to(new float[] {value}));
        }
        return index;
    }

    private DescentException failure(String operation, RuntimeException e) {
        return new DescentException("OpenCL error during " + operation + " on " + device.name() + ": " + e.getMessage()
                + (problem == null ? "" : String.format(Locale.ROOT, " (%d rows, %d features, %d outputs)", rows, features, outputs)), e);
    }
}
