package dev.descent.backend.gpu.opencl;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The warning's rule on given /proc/self/maps contents: LLVM mapped without libjsig, and nothing else. */
class SignalChainingTest {
    static final String JVM = "7f60d0000000-7f60d1000000 r-xp 00000000 08:01 1234 /usr/lib/jvm/java-17/lib/server/libjvm.so\n";
    static final String LLVM = "7f604c000000-7f6050000000 r-xp 00000000 08:01 5678 /usr/lib/x86_64-linux-gnu/libLLVM-15.so.1\n";
    static final String JSIG = "7f60e0000000-7f60e0001000 r-xp 00000000 08:01 9012 /usr/lib/jvm/java-17/lib/libjsig.so\n";

    @Test
    void llvmWithoutJsigIsNamedWithTheFix() {
        String warning = SignalChaining.unchainedWarning(JVM + LLVM, "/usr/lib/jvm/java-17");
        assertTrue(warning != null && warning.startsWith("/usr/lib/x86_64-linux-gnu/libLLVM-15.so.1 ")
                && warning.contains("LD_PRELOAD=/usr/lib/jvm/java-17/lib/libjsig.so"), warning);
    }

    @Test
    void llvmWithJsigOrNoLlvmAtAllIsFine() {
        assertNull(SignalChaining.unchainedWarning(JSIG + JVM + LLVM, "/usr/lib/jvm/java-17"));
        assertNull(SignalChaining.unchainedWarning(JVM, "/usr/lib/jvm/java-17"));
        assertNull(SignalChaining.unchainedWarning("", "/usr/lib/jvm/java-17"));
    }

    @Test
    void llvmOnTheLastLineWithoutANewline() {
        String warning = SignalChaining.unchainedWarning(JVM + LLVM.strip(), "/j");
        assertTrue(warning != null && warning.startsWith("/usr/lib/x86_64-linux-gnu/libLLVM-15.so.1 "), warning);
    }
}
