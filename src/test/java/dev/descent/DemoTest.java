package dev.descent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.descent.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** `descent demo` runs, and the seeds' example comes out near slope 1, intercept 0. */
class DemoTest {
    /** 20,000 points with unit noise: the slope's standard error is about 0.0025, the intercept's 0.007. */
    static final double SLOPE_TOLERANCE = 0.02;
    static final double INTERCEPT_TOLERANCE = 0.05;

    @Test
    void demoFitsTheLineYEqualsX() {
        StringWriter out = new StringWriter();
        int code = Main.run(new String[] {"demo"}, new PrintWriter(out, true), new PrintWriter(new StringWriter(), true));
        String text = out.toString();
        assertEquals(0, code, text);
        Matcher m = Pattern.compile("slope (-?[0-9.]+), intercept (-?[0-9.]+)").matcher(text);
        assertTrue(m.find(), text);
        assertEquals(1.0, Double.parseDouble(m.group(1)), SLOPE_TOLERANCE, text);
        assertEquals(0.0, Double.parseDouble(m.group(2)), INTERCEPT_TOLERANCE, text);
        assertTrue(text.contains("CONVERGED"), text);
        assertTrue(text.contains("ms/step"), text);
        for (String backend : new String[] {"cpu", "reference"}) {
            assertTrue(Pattern.compile("(?m)^\\s+" + backend + "\\s+[0-9.]+ ms/step").matcher(text).find(), backend + " timing in " + text);
        }
    }

    @Test
    void devicesListsEveryBackend() {
        StringWriter out = new StringWriter();
        int code = Main.run(new String[] {"devices"}, new PrintWriter(out, true), new PrintWriter(new StringWriter(), true));
        assertEquals(0, code);
        assertTrue(out.toString().contains("cpu") && out.toString().contains("reference"), out.toString());
    }
}
