package dev.descent.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import scala.Option;

/**
 * The metadata file of a saved estimator or model, in the layout MLlib's own stages use
 * ({@code path/metadata}: one JSON line with class, timestamp, sparkVersion, uid, paramMap and
 * defaultParamMap), so a {@code Pipeline} or {@code PipelineModel} holding descent's stages saves and
 * loads like any other.
 */
final class ParamsFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ParamsFiles() {
    }

    /** Writes {@code instance}'s metadata under {@code path}. */
    static void saveMetadata(Params instance, String path, SparkContext context) {
        StringBuilder set = new StringBuilder();
        StringBuilder defaults = new StringBuilder();
        for (Param<?> param : instance.params()) {
            @SuppressWarnings("unchecked")
            Param<Object> p = (Param<Object>) param;
            if (instance.isSet(p)) {
                append(set, p, instance.get(p).get());
            }
            Option<Object> value = instance.getDefault(p);
            if (value.isDefined()) {
                append(defaults, p, value.get());
            }
        }
        String json = "{\"class\":" + quote(instance.getClass().getName()) + ",\"timestamp\":" + System.currentTimeMillis()
                + ",\"sparkVersion\":" + quote(context.version()) + ",\"uid\":" + quote(instance.uid())
                + ",\"paramMap\":{" + set + "},\"defaultParamMap\":{" + defaults + "}}";
        JavaSparkContext.fromSparkContext(context).parallelize(List.of(json), 1).saveAsTextFile(path + "/metadata");
    }

    /** The uid saved under {@code path}, after checking that the file holds an instance of {@code type}. */
    static JsonNode readMetadata(String path, SparkContext context, Class<?> type) {
        String line = JavaSparkContext.fromSparkContext(context).textFile(path + "/metadata", 1).first();
        JsonNode metadata;
        try {
            metadata = JSON.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException("the metadata under " + path + " is not JSON", e);
        }
        String saved = metadata.path("class").asText();
        if (!saved.equals(type.getName())) {
            throw new IllegalArgumentException("the stage saved under " + path + " is a " + saved + ", not a " + type.getName());
        }
        return metadata;
    }

    /** Sets on {@code instance} every param the metadata says was set. */
    static void applyParams(JsonNode metadata, Params instance) {
        Iterator<Map.Entry<String, JsonNode>> fields = metadata.path("paramMap").fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            @SuppressWarnings("unchecked")
            Param<Object> param = (Param<Object>) instance.getParam(field.getKey());
            instance.set(param, param.jsonDecode(field.getValue().toString()));
        }
    }

    private static void append(StringBuilder json, Param<Object> param, Object value) {
        if (json.length() > 0) {
            json.append(',');
        }
        json.append(quote(param.name())).append(':').append(param.jsonEncode(value));
    }

    private static String quote(String text) {
        try {
            return JSON.writeValueAsString(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
