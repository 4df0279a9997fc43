package dev.descent.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Selection: the providers come from the service file, in auto's order, and the package imports none of them. */
class BackendsTest {

    @Test
    void everyBackendIsFoundInAutosOrder() {
        List<String> names = Backends.all().stream().map(BackendProvider::name).toList();
        assertEquals(List.of("cuda", "cublas", "opencl", "cpu", "reference"), names);
        assertEquals(Backends.AUTO_ORDER, names);
    }

    @Test
    void autoFallsBackToAnAvailableBackendAndSaysWhy() {
        Backends.Selection selection = Backends.open("auto");
        try (Backend backend = selection.backend()) {
            assertTrue(selection.explanation().startsWith("auto chose " + backend.name()), selection.explanation());
        }
    }
}
