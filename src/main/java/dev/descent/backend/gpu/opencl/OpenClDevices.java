package dev.descent.backend.gpu.opencl;

import static org.jocl.CL.CL_DEVICE_GLOBAL_MEM_SIZE;
import static org.jocl.CL.CL_DEVICE_LOCAL_MEM_SIZE;
import static org.jocl.CL.CL_DEVICE_MAX_MEM_ALLOC_SIZE;
import static org.jocl.CL.CL_DEVICE_NAME;
import static org.jocl.CL.CL_DEVICE_TYPE;
import static org.jocl.CL.CL_DEVICE_TYPE_ALL;
import static org.jocl.CL.CL_DEVICE_TYPE_GPU;
import static org.jocl.CL.CL_PLATFORM_NAME;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

/**
 * The OpenCL devices of this machine, found once. Devices are listed with CL_DEVICE_TYPE_ALL (PoCL
 * has no GPU type). Without libOpenCL.so JOCL throws UnsatisfiedLinkError (then NoClassDefFoundError
 * on later tries), and without a platform CL_PLATFORM_NOT_FOUND_KHR: both become a reason, once.
 */
final class OpenClDevices {
    /** One device and what the backend needs to know about it. */
    record Device(int index, cl_platform_id platform, cl_device_id id, String name, String platformName, boolean gpu,
                  long globalMemory, long maxAllocation, long localMemory) {
        String describe() {
            return String.format(Locale.ROOT, "%d: %s (%s), %s, %,d MiB, largest buffer %,d MiB", index, name, platformName,
                    gpu ? "GPU" : "not a GPU", globalMemory >> 20, maxAllocation >> 20);
        }
    }

    /** The devices, or why there are none. */
    record Discovery(List<Device> devices, String reason) {
    }

    private static Discovery discovery;

    private OpenClDevices() {
    }

    /**
     * The platforms' devices, probed once per process. Loading an OpenCL driver can already replace
     * the JVM's signal handlers (PoCL's LLVM does, even with no kernel built: `descent devices` under
     * -Xcheck:jni), so the probe is followed by {@link SignalChaining#warnOnceIfUnchained}.
     */
    static synchronized Discovery discover() {
        if (discovery == null) {
            discovery = probe();
            SignalChaining.warnOnceIfUnchained();
        }
        return discovery;
    }

    private static Discovery probe() {
        try {
            CL.setExceptionsEnabled(true);
            int[] count = new int[1];
            CL.clGetPlatformIDs(0, null, count);
            cl_platform_id[] platforms = new cl_platform_id[count[0]];
            CL.clGetPlatformIDs(platforms.length, platforms, null);
            List<Device> devices = new ArrayList<>();
            for (cl_platform_id platform : platforms) {
                int[] deviceCount = new int[1];
                try {
                    CL.clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, 0, null, deviceCount);
                } catch (CLException e) {
                    continue;
                }
                cl_device_id[] ids = new cl_device_id[deviceCount[0]];
                CL.clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, ids.length, ids, null);
                for (cl_device_id id : ids) {
                    devices.add(new Device(devices.size(), platform, id, text(id, CL_DEVICE_NAME),
                            platformName(platform), (number(id, CL_DEVICE_TYPE) & CL_DEVICE_TYPE_GPU) != 0,
                            number(id, CL_DEVICE_GLOBAL_MEM_SIZE), number(id, CL_DEVICE_MAX_MEM_ALLOC_SIZE),
                            number(id, CL_DEVICE_LOCAL_MEM_SIZE)));
                }
            }
            if (devices.isEmpty()) {
                return new Discovery(List.of(), "the OpenCL platforms have no devices");
            }
            return new Discovery(List.copyOf(devices), "");
        } catch (LinkageError e) {
            return new Discovery(List.of(), "no OpenCL library (" + e.getMessage()
                    + "); install an OpenCL driver and libOpenCL.so (Debian: ocl-icd-opencl-dev)");
        } catch (CLException e) {
            return new Discovery(List.of(), "no OpenCL platform (" + e.getMessage()
                    + "); install one, e.g. Debian's pocl-opencl-icd or a GPU vendor's driver");
        }
    }

    private static String platformName(cl_platform_id platform) {
        long[] size = new long[1];
        CL.clGetPlatformInfo(platform, CL_PLATFORM_NAME, 0, null, size);
        byte[] bytes = new byte[(int) size[0]];
        CL.clGetPlatformInfo(platform, CL_PLATFORM_NAME, bytes.length, Pointer.to(bytes), null);
        return new String(bytes, 0, Math.max(0, bytes.length - 1)).trim();
    }

    private static String text(cl_device_id device, int parameter) {
        long[] size = new long[1];
        CL.clGetDeviceInfo(device, parameter, 0, null, size);
        byte[] bytes = new byte[(int) size[0]];
        CL.clGetDeviceInfo(device, parameter, bytes.length, Pointer.to(bytes), null);
        return new String(bytes, 0, Math.max(0, bytes.length - 1)).trim();
    }

    private static long number(cl_device_id device, int parameter) {
        long[] value = new long[1];
        CL.clGetDeviceInfo(device, parameter, Sizeof.cl_long, Pointer.to(value), null);
        return value[0];
    }
    /**
     * Why {@code auto} passes OpenCL over without loading its drivers, or null: every installed driver
     * (ICD) is PoCL, whose devices are CPUs, which auto never chooses over the cpu backend. Loading it
     * would cost a fresh JVM about 0.1 s (0.72-0.76 s against 0.61 s for a 20,000 x 64 logistic whole
     * run) and, in a JVM without libjsig, let its LLVM take the JVM's signal handlers: such a JVM died
     * with SIGSEGV a few fits later (bench/results/2026-12-05-time-to-solution-2).
     */
    static String autoSkipReason(List<String> drivers) {
        if (drivers.isEmpty() || !drivers.stream().allMatch(driver -> driver.toLowerCase(Locale.ROOT).contains("pocl"))) {
            return null;
        }
        return "not loaded: its only driver is PoCL, whose devices are CPUs (auto prefers the cpu backend); --backend"
                + " opencl uses it";
    }

    /**
     * The driver libraries the OpenCL ICD loader would load: one per line of the {@code .icd} files in
     * {@code OCL_ICD_VENDORS} (a folder or one file) or {@code /etc/OpenCL/vendors}.
     */
    static List<String> installedDrivers() {
        String vendors = System.getenv("OCL_ICD_VENDORS");
        Path place = Path.of(vendors == null || vendors.isBlank() ? "/etc/OpenCL/vendors" : vendors);
        List<String> drivers = new ArrayList<>();
        try {
            List<Path> files = new ArrayList<>();
            if (Files.isDirectory(place)) {
                try (Stream<Path> listed = Files.list(place)) {
                    listed.filter(file -> file.toString().endsWith(".icd")).forEach(files::add);
                }
            } else if (Files.isRegularFile(place)) {
                files.add(place);
            }
            for (Path file : files) {
                for (String line : Files.readAllLines(file)) {
                    if (!line.isBlank()) {
                        drivers.add(line.trim());
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
        return drivers;
    }
}
