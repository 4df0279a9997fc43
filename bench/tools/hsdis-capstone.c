/*
 * hsdis-capstone.c: the disassembler plugin HotSpot loads for -XX:+PrintAssembly, built on
 * Capstone, so that the JIT's code for the cpu backend's kernels can be read on JDK 17 (whose
 * sources ship no Capstone backend; Debian's binutils-based plugin does not load there).
 *
 * Build and install (Debian 12; the library goes beside libjvm's lib directory):
 *   apt-get install -y libcapstone-dev
 *   gcc -O2 -shared -fPIC -o hsdis-amd64.so bench/tools/hsdis-capstone.c -lcapstone
 *   cp hsdis-amd64.so "$(dirname "$(readlink -f "$(command -v java)")")/../lib/"
 * Use:
 *   java -XX:+UnlockDiagnosticVMOptions -XX:CompileCommand=print,dev.descent.backend.cpu.CpuBackend::narrowBlock ...
 *
 * Capstone 4.0 does not decode every AVX-512 (EVEX) instruction; those bytes are printed as
 * ".byte" and decoding resumes at the next byte, so a few lines after them may be garbage.
 */
#include <capstone/capstone.h>
#include <stddef.h>
#include <stdint.h>

typedef void* (*event_callback_t)(void* stream, const char* event, void* argument);
typedef int (*printf_callback_t)(void* stream, const char* format, ...);

/* The entry point HotSpot looks up (hsdis.h, "decode_instructions_virtual"). */
void* decode_instructions_virtual(uintptr_t start_va, uintptr_t end_va, unsigned char* buffer, uintptr_t length,
                                  event_callback_t event_callback, void* event_stream,
                                  printf_callback_t printf_callback, void* printf_stream,
                                  const char* options, int newline) {
    (void) end_va;
    (void) options;
    csh handle;
    if (cs_open(CS_ARCH_X86, CS_MODE_64, &handle) != CS_ERR_OK) {
        return NULL;
    }
    cs_insn* instruction = cs_malloc(handle);
    const uint8_t* code = buffer;
    size_t remaining = length;
    uint64_t address = start_va;
    while (remaining > 0) {
        event_callback(event_stream, "insn", (void*) (uintptr_t) address);
        if (cs_disasm_iter(handle, &code, &remaining, &address, instruction)) {
            printf_callback(printf_stream, "%s\t%s", instruction->mnemonic, instruction->op_str);
        } else {
            printf_callback(printf_stream, ".byte 0x%02x", *code);
            code++;
            remaining--;
            address++;
        }
        event_callback(event_stream, "/insn", (void*) (uintptr_t) address);
        if (newline) {
            printf_callback(printf_stream, "\n");
        }
    }
    cs_free(instruction, 1);
    cs_close(&handle);
    return (void*) (uintptr_t) address;
}
