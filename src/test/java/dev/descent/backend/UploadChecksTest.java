package dev.descent.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.descent.InvalidInputException;
import dev.descent.ModelKind;
import dev.descent.TestData;
import dev.descent.data.Dataset;
import dev.descent.optim.OptimizerKind;
import dev.descent.optim.Problem;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every backend refuses data that does not fit its problem before it takes it: a softmax label at or
 * past the problem's classes would send a kernel past the end of a row's outputs (the CUDA kernels
 * run as host code read past their shared memory with one, and gave different losses run to run).
 */
class UploadChecksTest {
    static Stream<String> everyBackend() {
        return TestBackends.selected().stream().map(BackendProvider::name);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyBackend")
    void aLabelPastTheClassesOrAWrongWidthIsRefused(String name) {
        BackendProvider provider = TestBackends.require(name);
        Dataset fourClasses = TestData.random(ModelKind.SOFTMAX, 50, 6, 4, 3);
        Problem threeClasses = DeviceBackendCases.problem(ModelKind.SOFTMAX, OptimizerKind.ADAM, 6, 0);
        try (Backend backend = provider.create()) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> backend.upload(fourClasses, threeClasses));
            assertEquals("not a class index below the problem's 3 classes",
                    e.getMessage().substring(e.getMessage().indexOf("not a class")), e.getMessage());
        }
        Problem sevenFeatures = DeviceBackendCases.problem(ModelKind.LOGISTIC, OptimizerKind.GD, 7, 0);
        try (Backend backend = provider.create()) {
            InvalidInputException e = assertThrows(InvalidInputException.class,
                    () -> backend.upload(TestData.random(ModelKind.LOGISTIC, 50, 6, 0, 3), sevenFeatures));
            assertEquals("the data has 6 features but the problem 7", e.getMessage());
        }
    }
}
