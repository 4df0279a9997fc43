package dev.descent.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.descent.FitResult;
import dev.descent.LinearModel;
import dev.descent.ModelKind;
import dev.descent.data.DataFormatException;
import dev.descent.data.Standardization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The model file, JSON in format "descent-model/1": the model kind, feature names, label name,
 * classes, weights and intercepts (one array / value per class for softmax), the standardization
 * (or null), the objective's regularization (and Huber's delta), the LIBSVM index base of the training file (when it was
 * one), the buckets of hashed CSV columns (when they were hashed) and a summary of the fit. Written atomically.
 */
public final class ModelFile {
    public static final String FORMAT = "descent-model/1";
    /** Jackson, for reading only, made on first use: its start costs a fresh JVM ~0.2 s, which writing need not pay. */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }

    private ModelFile() {
    }

    /** How the fit that made the model went. */
    public record FitSummary(String status, String reason, int epochs, double objective, String backend, String device,
                             String optimizer, double learningRate, int batchSize, long seed, double medianStepMillis) {
        public static FitSummary of(FitResult result) {
            return new FitSummary(result.status().name(), result.reason(), result.epochs(), result.objective(),
                    result.backend(), result.device(), result.method(), result.learningRate(),
                    result.batchSize(), result.seed(), result.medianStepMillis());
        }
    }

    /**
     * A model as stored: what predict needs, and how it was made.
     *
     * @param fitted          the model as fitted and stored: with a standardization, its weights apply to the
     *                        standardized features (x - mean) / scale, not to the data as read
     * @param standardization the centring and scaling the fit used, or null
     * @param indexBase       the first feature's index in the LIBSVM file it was fitted on (0 or 1), so predict
     *                        reads its files alike; -1 for other formats
     * @param hashBuckets     the buckets its CSV columns were hashed into (--hash-features), or 0
     * @param classNames      the names of its classes, in the order of {@code fitted.classes()} (0, 1, ...), when the
     *                        training labels were names; null otherwise
     */
    public record SavedModel(LinearModel fitted, List<String> features, String label, Standardization standardization,
                             double l2, double l1, double delta, FitSummary fit, int indexBase, int hashBuckets,
                             List<String> classNames) {

        /**
         * A model fitted on data without LIBSVM indices or hashed columns (indexBase -1, hashBuckets 0), by a
         * loss without a parameter (delta NaN).
         */
        public SavedModel(LinearModel fitted, List<String> features, String label, Standardization standardization,
                          double l2, double l1, FitSummary fit) {
            this(fitted, features, label, standardization, l2, l1, Double.NaN, fit, -1, 0, null);
        }

        /**
         * The model on the features as the data files hold them, whatever was stored: the
         * standardization, if any, folded into the weights and intercepts. Predict and score with this one.
         */
        public LinearModel model() {
            return standardization == null ? fitted : standardization.foldInto(fitted);
        }
    }

    public static void write(Path file, SavedModel saved) throws IOException {
        LinearModel model = saved.fitted();
        JsonWriter json = new JsonWriter().beginObject(null)
                .string("format", FORMAT)
                .string("model", model.kind().toString())
                .strings("features", saved.features())
                .string("label", saved.label())
                .numbers("classes", model.classes());
        if (saved.indexBase() >= 0) {
            json.integer("libsvm_index_base", saved.indexBase());
        }
        if (saved.hashBuckets() > 0) {
            json.integer("hash_features", saved.hashBuckets());
        }
        if (saved.classNames() != null) {
            json.strings("class_names", saved.classNames());
        }
        if (model.weights().length > 1) {
            json.rows("weights", model.weights()).numbers("intercept", model.intercepts());
        } else {
            json.numbers("weights", model.weights()[0]).number("intercept", model.intercepts()[0]);
        }
        if (saved.standardization() == null) {
            json.nullValue("standardization");
        } else {
            json.beginObject("standardization")
                    .numbers("mean", saved.standardization().mean())
                    .numbers("scale", saved.standardization().scale())
                    .string("note", "weights apply to (x - mean) / scale")
                    .endObject();
        }
        json.beginObject("objective").number("l2", saved.l2()).number("l1", saved.l1());
        if (!Double.isNaN(saved.delta())) {
            json.number("delta", saved.delta());
        }
        json.endObject();
        FitSummary fit = saved.fit();
        if (fit != null) {
            json.beginObject("fit")
                    .string("status", fit.status())
                    .string("reason", fit.reason())
                    .integer("epochs", fit.epochs())
                    .number("objective", fit.objective())
                    .string("backend", fit.backend())
                    .string("device", fit.device())
                    .string("optimizer", fit.optimizer())
                    .number("learning_rate", fit.learningRate())
                    .integer("batch_size", fit.batchSize())
                    .integer("seed", fit.seed())
                    .number("median_step_ms", fit.medianStepMillis())
                    .endObject();
        }
        byte[] bytes = json.endObject().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        AtomicFiles.write(file, out -> out.write(bytes));
    }

    public static SavedModel read(Path file) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new DataFormatException(file + ": no such model file");
        } catch (JsonProcessingException e) {
            var location = e.getLocation();
            throw DataFormatException.at(file, location == null ? 0 : location.getLineNr(),
                    location == null ? 0 : location.getColumnNr(), null, "not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new DataFormatException(file + ": cannot read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw DataFormatException.in(file, "a model file is a JSON object");
        }
        String format = root.path("format").asText(null);
        if (!FORMAT.equals(format)) {
            throw DataFormatException.in(file, "format " + (format == null ? "(missing)" : "'" + format + "'")
                    + " is not " + FORMAT + ", the model format this descent reads");
        }
        ModelKind kind;
        try {
            kind = ModelKind.parse(text(file, root, "model"));
        } catch (dev.descent.InvalidInputException e) {
            throw DataFormatException.in(file, "field 'model': " + e.getMessage());
        }
        List<String> features = new ArrayList<>();
        for (JsonNode name : array(file, root, "features")) {
            features.add(name.asText());
        }
        if (features.isEmpty()) {
            throw DataFormatException.in(file, "field 'features' is empty");
        }
        double[] classes = doubles(file, array(file, root, "classes"), "classes");
        double[][] weights;
        double[] intercepts;
        // softmax, and one-vs-rest logistic or svm (three or more classes): a weight array per class
        if (kind == ModelKind.SOFTMAX || kind.classifies() && classes.length > 2) {
            JsonNode rows = array(file, root, "weights");
            if (classes.length < 2 || rows.size() != classes.length) {
                throw DataFormatException.in(file, "the " + kind + " model's " + classes.length + " classes need one weight"
                        + " array each, not " + rows.size());
            }
            weights = new double[rows.size()][];
            for (int c = 0; c < rows.size(); c++) {
                weights[c] = doubles(file, rows.get(c), "weights[" + c + "]");
            }
            intercepts = doubles(file, array(file, root, "intercept"), "intercept");
        } else {
            weights = new double[][] {doubles(file, array(file, root, "weights"), "weights")};
            intercepts = new double[] {number(file, root, "intercept")};
            if (kind.classifies() && (classes.length != 2 || classes[0] != 0 && classes[0] != -1 || classes[1] != 1)) {
                throw DataFormatException.in(file, kind + " models have classes [0, 1] or [-1, 1]");
            }
            if (!kind.classifies() && classes.length != 0) {
                throw DataFormatException.in(file, kind + " models have no classes, but the file lists " + classes.length);
            }
        }
        for (int c = 0; c < weights.length; c++) {
            if (weights[c].length != features.size()) {
                throw DataFormatException.in(file, "weights" + (weights.length > 1 ? "[" + c + "]" : "") + " has "
                        + weights[c].length + " values for " + features.size() + " features");
            }
        }
        if (intercepts.length != weights.length) {
            throw DataFormatException.in(file, "there are " + intercepts.length + " intercepts for " + weights.length + " outputs");
        }
        Standardization standardization = null;
        JsonNode node = root.path("standardization");
        if (node.isObject()) {
            double[] mean = doubles(file, array(file, node, "mean"), "standardization.mean");
            double[] scale = doubles(file, array(file, node, "scale"), "standardization.scale");
            if (mean.length != features.size() || scale.length != features.size()) {
                throw DataFormatException.in(file, "standardization needs one mean and one scale per feature");
            }
            for (double s : scale) {
                if (!(s > 0)) {
                    throw DataFormatException.in(file, "standardization.scale holds " + s + "; scales must be positive");
                }
            }
            standardization = new Standardization(mean, scale);
        } else if (!node.isMissingNode() && !node.isNull()) {
            throw DataFormatException.in(file, "field 'standardization' must be an object or null");
        }
        JsonNode objective = root.path("objective");
        JsonNode fit = root.path("fit");
        FitSummary summary = fit.isObject() ? new FitSummary(fit.path("status").asText(""), fit.path("reason").asText(""),
                fit.path("epochs").asInt(), fit.path("objective").asDouble(Double.NaN), fit.path("backend").asText(""),
                fit.path("device").asText(""), fit.path("optimizer").asText(""), fit.path("learning_rate").asDouble(Double.NaN),
                fit.path("batch_size").asInt(), fit.path("seed").asLong(), fit.path("median_step_ms").asDouble(Double.NaN)) : null;
        return new SavedModel(new LinearModel(kind, classes, weights, intercepts), List.copyOf(features),
                root.path("label").asText(null), standardization, objective.path("l2").asDouble(0),
                objective.path("l1").asDouble(0), objective.path("delta").asDouble(Double.NaN), summary, indexBase(file, root), hashBuckets(file, root, features.size()),
                classNames(file, root, classes));
    }

    private static List<String> classNames(Path file, JsonNode root, double[] classes) {
        JsonNode node = root.path("class_names");
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        if (!node.isArray() || node.size() != classes.length) {
            throw DataFormatException.in(file, "field 'class_names' must be an array of one name per class, " + classes.length);
        }
        List<String> names = new ArrayList<>();
        for (int c = 0; c < classes.length; c++) {
            if (!node.get(c).isTextual() || classes[c] != c) {
                throw DataFormatException.in(file, "field 'class_names' needs a string per class and classes 0.."
                        + (classes.length - 1));
            }
            names.add(node.get(c).asText());
        }
        return List.copyOf(names);
    }

    private static int hashBuckets(Path file, JsonNode root, int features) {
        JsonNode node = root.path("hash_features");
        if (node.isMissingNode() || node.isNull()) {
            return 0;
        }
        if (!node.isInt() || node.asInt() != features) {
            throw DataFormatException.in(file, "field 'hash_features' must be the number of features, " + features);
        }
        return node.asInt();
    }

    private static int indexBase(Path file, JsonNode root) {
        JsonNode node = root.path("libsvm_index_base");
        if (node.isMissingNode() || node.isNull()) {
            return -1;
        }
        if (!node.isInt() || node.asInt() < 0 || node.asInt() > 1) {
            throw DataFormatException.in(file, "field 'libsvm_index_base' is 0 or 1");
        }
        return node.asInt();
    }

    private static String text(Path file, JsonNode root, String field) {
        JsonNode node = root.path(field);
        if (!node.isTextual()) {
            throw DataFormatException.in(file, "field '" + field + "' is missing or not a string");
        }
        return node.asText();
    }

    private static JsonNode array(Path file, JsonNode root, String field) {
        JsonNode node = root.path(field);
        if (!node.isArray()) {
            throw DataFormatException.in(file, "field '" + field + "' is missing or not an array");
        }
        return node;
    }

    private static double number(Path file, JsonNode root, String field) {
        JsonNode node = root.path(field);
        if (!node.isNumber() || !Double.isFinite(node.asDouble())) {
            throw DataFormatException.in(file, "field '" + field + "' is missing or not a finite number");
        }
        return node.asDouble();
    }

    private static double[] doubles(Path file, JsonNode array, String field) {
        if (!array.isArray()) {
            throw DataFormatException.in(file, "field '" + field + "' is not an array");
        }
        double[] values = new double[array.size()];
        for (int i = 0; i < values.length; i++) {
            JsonNode element = array.get(i);
            if (!element.isNumber() || !Double.isFinite(element.asDouble())) {
                throw DataFormatException.in(file, "field '" + field + "' element " + i + " is not a finite number");
            }
            values[i] = element.asDouble();
        }
        return values;
    }
}
