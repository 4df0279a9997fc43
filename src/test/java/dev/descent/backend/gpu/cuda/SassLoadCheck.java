package dev.descent.backend.gpu.cuda;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The SASS check of fused_narrow, run by native-test's GPU run on {@code cuobjdump -sass} of the sm_90 cubin:
 * version 2 of fused_narrow_C takes a round's row indices first and then issues its ROWS x C loads a lane
 * with no branch between them (fused_step.cu). Per fused_narrow_C this finds the longest run of global loads
 * with no branch, call or barrier between; a run shorter than a round's loads means the compiler kept them
 * serialized, as version 1's PTX did.
 *
 * <pre>java -cp test-classes dev.descent.backend.gpu.cuda.SassLoadCheck fused_step.sass</pre>
 * Exit status 0: every fused_narrow_C issues a round's loads back to back; 1: one does not; 2: the listing
 * holds no fused_narrow function (not a cuobjdump -sass listing, or the wrong cubin).
 */
final class SassLoadCheck {
    /** Loads a lane issues per round: ROWS x CHUNKS of fused_step.cu's DESCENT_FUSED_NARROW lines, repeated here on
     *  purpose (as check_kernels repeats the launch constants): a check that read them from the kernel would follow it. */
    static final Map<Integer, Integer> LOADS_PER_ROUND = Map.of(1, 16, 2, 16, 4, 32, 8, 32, 16, 32, 32, 32);
    /** Instructions that end a run: control flow and barriers (a predicate on a load does not). */
    static final Set<String> BREAKS = Set.of("BRA", "BRX", "JMP", "JMX", "CALL", "RET", "EXIT", "BSYNC", "BAR", "WARPSYNC");

    private static final Pattern FUNCTION = Pattern.compile("^\\s*Function\\s*:\\s*(\\S+)");
    /** "/*0090*&#47;   @!P0 LDG.E.CONSTANT R4, desc[UR4][R2.64] ;": the opcode after the address and an optional predicate. */
    private static final Pattern INSTRUCTION = Pattern.compile("^\\s*/\\*[0-9a-fA-F]+\\*/\\s+(?:@!?U?P[T0-9]+\\s+)?([A-Z][A-Z0-9_]*)");
    private static final Pattern NARROW = Pattern.compile("fused_narrow_(\\d+)");

    /** One fused_narrow_C of the listing. */
    record Narrow(String name, int chunks, int loads, int longestRun) {
        int loadsPerRound() {
            return LOADS_PER_ROUND.getOrDefault(chunks, Integer.MAX_VALUE);
        }

        boolean backToBack() {
            return longestRun >= loadsPerRound();
        }

        String describe() {
            return String.format(Locale.ROOT, "%s: %d global loads, longest run with no branch or barrier between %d, a round issues %d a lane: %s",
                    name, loads, longestRun, loadsPerRound(), backToBack() ? "back to back" : "SERIALIZED");
        }
    }

    private SassLoadCheck() {
    }

    /** Every fused_narrow_C function of a cuobjdump -sass listing, in listing order. */
    static List<Narrow> narrowFunctions(List<String> listing) {
        List<Narrow> found = new ArrayList<>();
        String name = null;
        int loads = 0;
        int run = 0;
        int longest = 0;
        for (String line : listing) {
            Matcher function = FUNCTION.matcher(line);
            if (function.find()) {
                add(found, name, loads, longest);
                name = function.group(1);
                loads = run = longest = 0;
                continue;
            }
            Matcher instruction = INSTRUCTION.matcher(line);
            if (name == null || !instruction.find()) {
                continue;
            }
            String opcode = instruction.group(1);
            if (opcode.equals("LDG") || opcode.equals("LD")) {
                loads++;
                longest = Math.max(longest, ++run);
            } else if (BREAKS.contains(opcode)) {
                run = 0;
            }
        }
        add(found, name, loads, longest);
        return found;
    }

    private static void add(List<Narrow> found, String name, int loads, int longest) {
        Matcher narrow = name == null ? null : NARROW.matcher(name);
        if (narrow != null && narrow.matches()) {
            found.add(new Narrow(name, Integer.parseInt(narrow.group(1)), loads, longest));
        }
    }

    public static void main(String[] arguments) throws IOException {
        if (arguments.length != 1) {
            System.err.println("usage: SassLoadCheck LISTING (the output of cuobjdump -sass on the sm_90 fused_step cubin)");
            System.exit(2);
        }
        List<Narrow> functions = narrowFunctions(Files.readAllLines(Path.of(arguments[0]), StandardCharsets.UTF_8));
        if (functions.isEmpty()) {
            System.out.println("SASS check: no fused_narrow function in " + arguments[0]);
            System.exit(2);
        }
        functions.forEach(function -> System.out.println("SASS check: " + function.describe()));
        System.exit(functions.stream().allMatch(Narrow::backToBack) ? 0 : 1);
    }
}
