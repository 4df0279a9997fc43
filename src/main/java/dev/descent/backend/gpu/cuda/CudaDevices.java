package dev.descent.backend.gpu.cuda;

import static jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR;
import static jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR;
import static jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN;
import static jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jcuda.CudaException;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.JCudaDriver;

/**
 * Finds the CUDA driver, its devices and this build's PTX, once per JVM, and remembers why when
 * something is missing.
 *
 * <p>Loading JCuda on a machine without the driver's {@code libcuda.so.1} throws
 * {@link UnsatisfiedLinkError} the first time and {@link NoClassDefFoundError} every time after, so
 * the first attempt is the only one: its reason is kept and reported as "cuda unavailable: reason".
 */
public final class CudaDevices {
    /** The PTX of nvcc 13 needs a driver of CUDA 13 (r580) or newer; cuDriverGetVersion's encoding. */
    static final int REQUIRED_DRIVER_VERSION = 13000;
    /** Where kernels/build-ptx.sh puts the PTX and the fatbins inside the jar. */
    static final String PTX_RESOURCE = "/kernels/ptx/";
    /** The kernel modules, one per stage (kernels/*.cu). */
    static final List<String> MODULES = List.of("fused_step", "reduce_partials", "update", "cublas_baseline", "sparse_step");

    private static volatile String cublasReason;
    /** Each device's primary context, retained once by this process and never released (primaryContext). */
    private static final Map<Integer, CUcontext> primaryContexts = new HashMap<>();

    /**
     * The device's primary context, which every backend on it shares (a context of its own costs 50-200 ms
     * and hundreds of MB, and instances in separate contexts time-slice rather than overlap). Retained once
     * and kept until the process exits, as the CUDA runtime does: released with the last backend, the driver
     * would destroy it and make it again for the next, so cross-validation, a regularization path or a test
     * suite that opens backends one after another would pay that every time.
     */
    static synchronized CUcontext primaryContext(CUdevice handle, int index) {
        CUcontext context = primaryContexts.get(index);
        if (context == null) {
            context = new CUcontext();
            JCudaDriver.cuDevicePrimaryCtxRetain(context, handle);
            primaryContexts.put(index, context);
        }
        return context;
    }

    /**
     * Why the cuBLAS binding cannot load here, or null when it can; tried once, like the driver.
     * JCublas 12.6 links libcublas.so.12, which CUDA 13-only machines lack.
     */
    static String cublasUnavailableReason() {
        String reason = cublasReason;
        if (reason == null) {
            synchronized (CudaDevices.class) {
                if (cublasReason == null) {
                    try {
                        jcuda.jcublas.JCublas2.initialize();
                        jcuda.jcublas.JCublas2.setExceptionsEnabled(true);
                        cublasReason = "";
                    } catch (LinkageError e) {
                        cublasReason = "cuBLAS 12 could not be loaded (" + linkFailure(e.getMessage()) + "); JCublas 12.6 "
                                + "needs libcublas.so.12, which a CUDA 13-only machine lacks: put a CUDA 12 cuBLAS on "
                                + "LD_LIBRARY_PATH (PyTorch's nvidia/cublas/lib has one)";
                    }
                }
                reason = cublasReason;
            }
        }
        return reason.isEmpty() ? null : reason;
    }

    /** One CUDA device; sharedMemoryPerBlock is the most a kernel may opt in to. */
    public record Device(int index, String name, int major, int minor, int multiprocessors, long totalMemory,
                         int sharedMemoryPerBlock) {
        public String describe() {
            return String.format(Locale.ROOT, "cuda:%d %s (compute %d.%d, %d SMs, %,d MiB)", index, name, major, minor,
                    multiprocessors, totalMemory >> 20);
        }
    }

    /** What discovery found: the devices and the driver version, or the reason there are none. */
    public record Discovery(List<Device> devices, int driverVersion, String reason) {
    }

    private static volatile Discovery discovery;

    private CudaDevices() {
    }

    /** The devices and the reason, computed once (the native library may be tried only once). */
    public static Discovery discover() {
        Discovery found = discovery;
        if (found == null) {
            synchronized (CudaDevices.class) {
                if (discovery == null) {
                    discovery = probe();
                }
                found = discovery;
            }
        }
        return found;
    }

    private static Discovery probe() {
        if (!hasKernels()) {
            return new Discovery(List.of(), 0, "this build has no PTX (nvcc was not on the PATH when it was built; "
                    + "rebuild with CUDA's nvcc to get the cuda backend)");
        }
        int[] version = new int[1];
        try {
            JCudaDriver.setExceptionsEnabled(true);
            JCudaDriver.cuInit(0);
            JCudaDriver.cuDriverGetVersion(version);
        } catch (LinkageError e) {
            return new Discovery(List.of(), 0, "the CUDA driver library could not be loaded (" + linkFailure(e.getMessage())
                    + "); is an NVIDIA driver installed?");
        } catch (CudaException e) {
            return new Discovery(List.of(), 0, "the CUDA driver did not start: " + e.getMessage());
        }
        if (version[0] < REQUIRED_DRIVER_VERSION) {
            return new Discovery(List.of(), version[0], String.format(Locale.ROOT,
                    "the driver supports CUDA %s, but this build's PTX (nvcc 13) needs a CUDA 13 driver (r580 or newer); "
                            + "update the NVIDIA driver", versionText(version[0])));
        }
        try {
            int[] count = new int[1];
            JCudaDriver.cuDeviceGetCount(count);
            List<Device> devices = new ArrayList<>();
            for (int index = 0; index < count[0]; index++) {
                CUdevice device = new CUdevice();
                JCudaDriver.cuDeviceGet(device, index);
                byte[] name = new byte[256];
                JCudaDriver.cuDeviceGetName(name, name.length, device);
                long[] memory = new long[1];
                JCudaDriver.cuDeviceTotalMem(memory, device);
                devices.add(new Device(index, cString(name), attribute(device, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR),
                        attribute(device, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR),
                        attribute(device, CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT), memory[0],
                        attribute(device, CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN)));
            }
            return new Discovery(List.copyOf(devices), version[0], devices.isEmpty() ? "the CUDA driver lists no device" : "");
        } catch (CudaException e) {
            return new Discovery(List.of(), version[0], "the CUDA driver could not list devices: " + e.getMessage());
        }
    }

    static int attribute(CUdevice device, int attribute) {
        int[] value = new int[1];
        JCudaDriver.cuDeviceGetAttribute(value, attribute, device);
        return value[0];
    }

    /** Whether this build carries every module's fatbin and PTX (build-ptx.sh writes both, or neither without nvcc). */
    static boolean hasKernels() {
        return MODULES.stream().allMatch(stem -> CudaDevices.class.getResource(PTX_RESOURCE + stem + ".ptx") != null
                && CudaDevices.class.getResource(PTX_RESOURCE + stem + ".fatbin") != null);
    }

    /**
     * One module's fatbin, from the jar: machine code for sm_80 and sm_90, and compute_75 PTX that the
     * driver compiles for any other GPU (kernels/build-ptx.sh).
     */
    static byte[] fatbin(String stem) {
        try (InputStream in = CudaDevices.class.getResourceAsStream(PTX_RESOURCE + stem + ".fatbin")) {
            if (in == null) {
                throw new IllegalStateException("kernels/ptx/" + stem + ".fatbin is missing from this build");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read kernels/ptx/" + stem + ".fatbin", e);
        }
    }

    /** cuDriverGetVersion's 1000 major + 10 minor as "major.minor". */
    static String versionText(int version) {
        return version / 1000 + "." + version % 1000 / 10;
    }

    private static String cString(byte[] bytes) {
        int length = 0;
        while (length < bytes.length && bytes[length] != 0) {
            length++;
        }
        return new String(bytes, 0, length, StandardCharsets.US_ASCII).trim();
    }

    /**
     * The line of JCuda's long loader message that says what is missing, e.g. "libcuda.so.1: cannot open
     * shared object file: No such file or directory"; else its first line.
     */
    static String linkFailure(String message) {
        if (message == null) {
            return "no message";
        }
        for (String line : message.split("\n")) {
            int at = line.indexOf(".so: ");
            if (line.startsWith("java.lang.UnsatisfiedLinkError: /") && at > 0) {
                return line.substring(at + 5).trim();
            }
        }
        int newline = message.indexOf('\n');
        return (newline < 0 ? message : message.substring(0, newline)).trim();
    }
}
