package dev.descent.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.optim.OptimizerKind;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The loss table against itself and against the kernels' header: every code in the table is the
 * {@code DESCENT_<NAME>} of descent_math.h (and so of the kernels that dispatch on it), every one-output
 * loss has its function pair there and its line in the dispatch, and each derivative is the derivative
 * of its value. This is the build's check that the numberings cannot drift apart.
 */
class LossTableTest {
    /** Central differences with step 1e-5 on smooth double functions: error ~1e-10, so 1e-6 is loose. */
    static final double DERIVATIVE_TOLERANCE = 1e-6;
    static final double STEP = 1e-5;

    static String header() throws IOException {
        try (InputStream in = LossTableTest.class.getResourceAsStream("/kernels/descent_math.h")) {
            if (in == null) {
                throw new AssertionError("kernels/descent_math.h is not on the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    static Map<String, Integer> defines(String header) {
        Map<String, Integer> defines = new HashMap<>();
        Matcher m = Pattern.compile("(?m)^#define DESCENT_([A-Z0-9_]+) (\\d+)\\s*$").matcher(header);
        while (m.find()) {
            defines.put(m.group(1), Integer.parseInt(m.group(2)));
        }
        return defines;
    }

    @Test
    void everyKernelCodeIsTheHeadersDefine() throws IOException {
        Map<String, Integer> defines = defines(header());
        for (Loss loss : Loss.values()) {
            String name = loss.name();
            assertTrue(defines.containsKey(name), "descent_math.h has no #define DESCENT_" + name);
            assertEquals(loss.kernelCode(), defines.get(name), "DESCENT_" + name + " against Loss." + name + ".kernelCode()");
        }
        assertEquals(Loss.GRAM_PASS_CODE, defines.get("GRAM"), "DESCENT_GRAM against Loss.GRAM_PASS_CODE");
    }

    @Test
    void everyOptimizerCodeIsTheHeadersDefine() throws IOException {
        Map<String, Integer> defines = defines(header());
        for (OptimizerKind kind : OptimizerKind.values()) {
            String name = kind.name();
            assertEquals(kind.ordinal(), defines.get(name), "DESCENT_" + name + " against OptimizerKind." + name);
        }
    }

    @Test
    void everyOneOutputLossHasItsKernelFunctionsAndDispatch() throws IOException {
        String header = header();
        for (Loss loss : Loss.values()) {
            if (!loss.pointwise()) {
                continue;
            }
            String lower = loss.name().toLowerCase(Locale.ROOT);
            assertTrue(header.contains("descent_" + lower + "_loss("), "descent_math.h lacks descent_" + lower + "_loss");
            assertTrue(header.contains("descent_" + lower + "_residual("), "descent_math.h lacks descent_" + lower + "_residual");
            assertTrue(header.contains("loss_kind == DESCENT_" + loss.name()),
                    "descent_weighted_residual does not dispatch on DESCENT_" + loss.name());
        }
    }

    @Test
    void codesAreDistinctAndFoundBack() {
        for (Loss loss : Loss.values()) {
            assertEquals(loss, Loss.ofKernelCode(loss.kernelCode()));
        }
        assertThrows(IllegalArgumentException.class, () -> Loss.ofKernelCode(Loss.GRAM_PASS_CODE));
        assertThrows(IllegalArgumentException.class, () -> Loss.ofKernelCode(-1));
    }

    @ParameterizedTest
    @EnumSource(value = Loss.class, mode = EnumSource.Mode.EXCLUDE, names = "SOFTMAX")
    void derivativeIsTheDerivativeOfTheValueAndCurvatureIsBounded(Loss loss) {
        double parameter = loss == Loss.HUBER ? 0.7 : loss.defaultParameter();
        SplittableRandom random = new SplittableRandom(loss.ordinal());
        for (int trial = 0; trial < 200; trial++) {
            double z = random.nextDouble(-6, 6);
            double y = switch (loss.labels()) {
                case BINARY -> random.nextInt(2);
                case NON_NEGATIVE -> random.nextInt(4) == 0 ? 0 : random.nextDouble(0, 6);
                default -> random.nextDouble(-3, 3);
            };
            double numeric = (loss.value(z + STEP, y, parameter) - loss.value(z - STEP, y, parameter)) / (2 * STEP);
            // Huber's derivative has kinks at |z - y| = delta: skip points next to them
            if (loss == Loss.HUBER && Math.abs(Math.abs(z - y) - parameter) < 10 * STEP) {
                continue;
            }
            assertEquals(numeric, loss.derivative(z, y, parameter), DERIVATIVE_TOLERANCE, loss + " at z=" + z + ", y=" + y);
            double slope = (loss.derivative(z + 1e-3, y, parameter) - loss.derivative(z - 1e-3, y, parameter)) / 2e-3;
            assertTrue(slope <= loss.curvatureBound(parameter) + 1e-9, loss + ": curvature " + slope + " above its bound");
            assertTrue(slope >= -1e-9, loss + ": negative curvature " + slope + " (the loss must be convex)");
        }
    }

    @Test
    void huberByHand() {
        // delta 1: |e| = 0.5 is inside (0.125, slope 0.5); e = -3 is outside (1 * (3 - 0.5) = 2.5, slope -1)
        assertEquals(0.125, Loss.HUBER.value(1.5, 1.0, 1.0), 0.0);
        assertEquals(0.5, Loss.HUBER.derivative(1.5, 1.0, 1.0), 0.0);
        assertEquals(2.5, Loss.HUBER.value(-1.0, 2.0, 1.0), 0.0);
        assertEquals(-1.0, Loss.HUBER.derivative(-1.0, 2.0, 1.0), 0.0);
    }

    @Test
    void poissonByHand() {
        // half the deviance: y log(y / mu) - y + mu; y = 2, mu = e^0 = 1: 2 log 2 - 1; y = 0: mu; at mu = y: 0
        assertEquals(2 * Math.log(2) - 1, Loss.POISSON.value(0, 2, Double.NaN), 1e-15);
        assertEquals(-1.0, Loss.POISSON.derivative(0, 2, Double.NaN), 0.0);
        assertEquals(Math.exp(1.5), Loss.POISSON.value(1.5, 0, Double.NaN), 1e-15);
        assertEquals(0.0, Loss.POISSON.value(Math.log(3), 3, Double.NaN), 1e-15);
        assertTrue(Double.isInfinite(Loss.POISSON.curvatureBound(Double.NaN)));
    }

    @Test
    void squaredHingeByHand() {
        // label 1 (t = +1) at z = 0.25: margin 0.75, loss 0.5625, slope -1.5; beyond the margin (z = 2): 0 and 0
        assertEquals(0.5625, Loss.SQUARED_HINGE.value(0.25, 1, Double.NaN), 0.0);
        assertEquals(-1.5, Loss.SQUARED_HINGE.derivative(0.25, 1, Double.NaN), 0.0);
        assertEquals(0.0, Loss.SQUARED_HINGE.value(2, 1, Double.NaN), 0.0);
        assertEquals(0.0, Loss.SQUARED_HINGE.derivative(2, 1, Double.NaN), 0.0);
        // label 0 (t = -1) at z = 0.5: margin 1.5, loss 2.25, slope +3
        assertEquals(2.25, Loss.SQUARED_HINGE.value(0.5, 0, Double.NaN), 0.0);
        assertEquals(3.0, Loss.SQUARED_HINGE.derivative(0.5, 0, Double.NaN), 0.0);
    }

    @Test
    void aParameterTheLossCannotTakeIsRefused() {
        for (double bad : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Loss.HUBER.checkParameter(bad));
            assertTrue(e.getMessage().contains("delta"), e.getMessage());
        }
    }

    /** valueAndDerivative is value and derivative in one call, bit for bit, for every one-output loss. */
    @Test
    void valueAndDerivativeGiveTheBitsOfTheTwoCalls() {
        double[] derivative = new double[2];
        for (Loss loss : Loss.values()) {
            if (!loss.pointwise()) {
                continue;
            }
            double parameter = loss == Loss.HUBER ? 0.7 : loss.defaultParameter();
            for (double z : new double[] {-800, -40, -3.5, -1e-9, -0.0, 0, 1e-12, 0.3, 2, 37, 710}) {
                for (double y : new double[] {0, 1, -2.5}) {
                    double value = loss.valueAndDerivative(z, y, parameter, derivative, 1);
                    assertEquals(Double.doubleToLongBits(loss.value(z, y, parameter)),
                            Double.doubleToLongBits(value), loss + " value at z=" + z + ", y=" + y);
                    assertEquals(Double.doubleToLongBits(loss.derivative(z, y, parameter)),
                            Double.doubleToLongBits(derivative[1]), loss + " derivative at z=" + z + ", y=" + y);
                }
            }
        }
    }
}
