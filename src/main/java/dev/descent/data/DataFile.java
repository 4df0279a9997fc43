package dev.descent.data;

import dev.descent.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads training or prediction data from CSV, LIBSVM/svmlight, NumPy .npy or scipy.sparse .npz files into a
 * {@link Dataset}. Every problem with the file is a {@link DataFormatException} naming the file and
 * the line and column (or byte offset).
 */
public final class DataFile {
    private DataFile() {
    }

    /** The file formats descent reads. */
    public enum Format {
        /** Comma-separated, a header of column names, the label (and optional weight) column chosen by name. */
        CSV,
        /** "label index:value ...", increasing indices (1-based, or 0-based when an index is 0), held sparse when sparse. */
        LIBSVM,
        /** NumPy .npy, float32 or float64, C order, shape (rows, features); labels from a second .npy. */
        NPY,
        /** scipy.sparse.save_npz of a CSR matrix, held sparse; labels from a .npy. */
        NPZ;

        public static Format parse(String name) {
            for (Format format : values()) {
                if (format.name().equalsIgnoreCase(name.trim())) {
                    return format;
                }
            }
            throw new InvalidInputException("unknown format '" + name + "': expected csv, libsvm, npy or npz");
        }

        /** From the file name, less a final .gz: .npy, .npz, .svm/.libsvm/.svmlight, else CSV. */
        public static Format guess(Path file) {
            String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
            if (name.endsWith(".gz")) {
                name = name.substring(0, name.length() - 3);
            }
            if (name.endsWith(".npy")) {
                return NPY;
            }
            if (name.endsWith(".npz")) {
                return NPZ;
            }
            if (name.endsWith(".svm") || name.endsWith(".libsvm") || name.endsWith(".svmlight")) {
                return LIBSVM;
            }
            return CSV;
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * What to read from a data file.
     *
     * @param header    whether a CSV file starts with a header row (the default); without one its columns are
     *                  named column1, column2, ... in order
     * @param indexBase LIBSVM: the index of the first feature, 0 or 1, or -1 to tell from the file (0 if any
     *                  index is 0, else 1)
     * @param hashBuckets CSV: hash every feature column into this many sparse features ({@link FeatureHashing}),
     *                  or 0 to read them as numbers
     * @param delimiter CSV: the field separator (',' by default; '\t', ';', '|' ...)
     * @param drop      CSV: columns to leave out (ids, free text), by name; empty for none
     * @param classNames CSV at predict: the model's class names, which the label column's values are looked up
     *                  in; null for a model of numeric labels
     * @param float64   CSV and .npy: hold dense features in float64 ({@code --precision double}) rather than
     *                  float32; LIBSVM and .npz stay float32
     */
    public record Request(String label, boolean labelRequired, String weights, Path labelsFile, List<String> features,
                          boolean header, int indexBase, int hashBuckets, char delimiter, List<String> drop,
                          List<String> classNames, boolean float64) {
        /** The most buckets --hash-features takes: 2^30, past which a model file of their names is no longer practical. */
        public static final int MAX_HASH_BUCKETS = 1 << 30;

        public Request {
            if (indexBase < -1 || indexBase > 1) {
                throw new InvalidInputException("the index base is 0 or 1 (or auto), not " + indexBase);
            }
            if (hashBuckets < 0 || hashBuckets > MAX_HASH_BUCKETS) {
                throw new InvalidInputException("--hash-features takes 1 to " + MAX_HASH_BUCKETS + " buckets, not " + hashBuckets);
            }
            if (delimiter == '"' || delimiter == '\n' || delimiter == '\r' || delimiter > 127) {
                throw new InvalidInputException("--delimiter takes one ASCII character other than a quote or a line end, not '"
                        + delimiter + "'");
            }
            drop = drop == null ? List.of() : List.copyOf(drop);
            classNames = classNames == null ? null : List.copyOf(classNames);
        }

        public static Request forFit(String label, String weights, Path labelsFile) {
            return new Request(label, true, weights, labelsFile, null, true, -1, 0, ',', List.of(), null, false);
        }

        public static Request forPredict(String label, Path labelsFile, List<String> features) {
            return new Request(label, false, null, labelsFile, features, true, -1, 0, ',', List.of(), null, false);
        }

        /** This request for a CSV file without a header row. */
        public Request withoutHeader() {
            return new Request(label, labelRequired, weights, labelsFile, features, false, indexBase, hashBuckets, delimiter, drop,
                    classNames, float64);
        }

        /** This request with LIBSVM indices starting at {@code base} (0 or 1; -1: from the file). */
        public Request withIndexBase(int base) {
            return new Request(label, labelRequired, weights, labelsFile, features, header, base, hashBuckets, delimiter, drop,
                    classNames, float64);
        }

        /** This request for a CSV file whose fields are separated by {@code separator}. */
        public Request withDelimiter(char separator) {
            return new Request(label, labelRequired, weights, labelsFile, features, header, indexBase, hashBuckets, separator, drop,
                    classNames, float64);
        }

        /** This request with the model's class names, for a CSV label column of names (null: numeric labels). */
        public Request withClassNames(List<String> names) {
            return new Request(label, labelRequired, weights, labelsFile, features, header, indexBase, hashBuckets, delimiter, drop,
                    names, float64);
        }

        /** This request with the CSV columns {@code names} left out. */
        public Request withDropped(List<String> names) {
            return new Request(label, labelRequired, weights, labelsFile, features, header, indexBase, hashBuckets, delimiter, names,
                    classNames, float64);
        }

        /** This request holding dense features in float64 ({@code double}) or float32. */
        public Request withFloat64(boolean inFloat64) {
            return new Request(label, labelRequired, weights, labelsFile, features, header, indexBase, hashBuckets, delimiter, drop,
                    classNames, inFloat64);
        }

        /** This request with a CSV file's feature columns hashed into {@code buckets} sparse features (0: not hashed). */
        public Request withHashedFeatures(int buckets) {
            return new Request(label, labelRequired, weights, labelsFile, features, header, indexBase, buckets, delimiter, drop,
                    classNames, float64);
        }
    }

    /**
     * The data, its feature names in column order, the label's name (null when there are no labels),
     * and where each row's label came from, for errors found after reading.
     *
     * @param file        the file read (for labels from a second .npy, that file)
     * @param lines       the 1-based line of each row (text formats), or null (.npy: rows are indices)
     * @param labelColumn the 1-based column of the label in a text line, or 0
     * @param warning     something the reader noticed that is not an error but the user should know, or null
     * @param indexBase   LIBSVM: the index base the file was read with (0 or 1); -1 for other formats
     * @param classNames  CSV with labels that are names: the class names in order, each row's label the index
     *                    of its name; null for numeric labels
     */
    public record Table(Dataset data, List<String> featureNames, String labelName, Path file, int[] lines,
                        int labelColumn, String warning, int indexBase, List<String> classNames) {

        /** The same table with {@code more} added to its warning. */
        public Table withWarning(String more) {
            return new Table(data, featureNames, labelName, file, lines, labelColumn,
                    warning == null ? more : warning + "; " + more, indexBase, classNames);
        }

        /** The same table with other rows of the same columns (standardized, for instance). */
        public Table withData(Dataset other) {
            return new Table(other, featureNames, labelName, file, lines, labelColumn, warning, indexBase, classNames);
        }

        /** A table read without anything to warn about. */
        public Table(Dataset data, List<String> featureNames, String labelName, Path file, int[] lines, int labelColumn) {
            this(data, featureNames, labelName, file, lines, labelColumn, null, -1, null);
        }

        /** A table of a format without feature indices. */
        public Table(Dataset data, List<String> featureNames, String labelName, Path file, int[] lines, int labelColumn,
                     String warning) {
            this(data, featureNames, labelName, file, lines, labelColumn, warning, -1, null);
        }

        /** A problem with row i's label, located as precisely as the format allows. */
        public DataFormatException labelError(int row, String problem) {
            if (lines != null) {
                return DataFormatException.at(file, lines[row], labelColumn, labelName, problem);
            }
            return DataFormatException.in(file, "label index " + row + ": " + problem);
        }
    }

    /** The name "-" asks for standard input, as in most Unix tools. */
    public static final String STANDARD_INPUT_NAME = "-";
    /** What a reader is given for standard input, and what its errors name: no file has this name by accident. */
    static final Path STANDARD_INPUT = Path.of("<standard input>");

    /** Where {@link #read(Path, Format, Request, AtomicLong)} counts the bytes its text readers take from files. */
    private static final ThreadLocal<AtomicLong> BYTES_READ = new ThreadLocal<>();

    /**
     * The file's bytes, decompressed when it is gzip-compressed (it starts with gzip's magic bytes, whatever its
     * name); counted (before decompression) into the counter of the read in progress on this thread, if any.
     */
    static java.io.InputStream open(Path file) throws IOException {
        AtomicLong counter = BYTES_READ.get();
        java.io.InputStream source = file == STANDARD_INPUT
                ? new java.io.FilterInputStream(System.in) {
                    @Override
                    public void close() {
                        // standard input belongs to the process, not to this reader
                    }
                }
                : Files.newInputStream(file);
        if (counter != null) {
            source = new Counted(source, counter);
        }
        java.io.InputStream in = new java.io.BufferedInputStream(source, 1 << 16);
        in.mark(2);
        int first = in.read();
        int second = in.read();
        in.reset();
        return gzipMagic(first, second) ? new java.util.zip.GZIPInputStream(in, 1 << 16) : in;
    }

    /** Whether a file's first two bytes are gzip's. */
    private static boolean gzipMagic(int first, int second) {
        return first == 0x1f && second == 0x8b;
    }

    private static boolean gzipped(Path file) {
        try (java.io.InputStream in = Files.newInputStream(file)) {
            return gzipMagic(in.read(), in.read());
        } catch (IOException e) {
            return false;
        }
    }

    /** A stream that adds the bytes taken from it to a counter another thread may read (a progress display). */
    private static final class Counted extends java.io.FilterInputStream {
        private final AtomicLong counter;

        Counted(java.io.InputStream in, AtomicLong counter) {
            super(in);
            this.counter = counter;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                counter.incrementAndGet();
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = in.read(buffer, offset, length);
            if (n > 0) {
                counter.addAndGet(n);
            }
            return n;
        }
    }

    /**
     * As {@link #read(Path, Format, Request)}, adding the bytes the CSV and LIBSVM readers take from the file
     * (compressed bytes for a gzip file) to {@code bytesRead} as they go, for a display of the load's progress on
     * another thread. The binary formats read at the speed of the page cache and are not counted.
     */
    public static Table read(Path file, Format format, Request request, AtomicLong bytesRead) {
        BYTES_READ.set(bytesRead);
        try {
            return read(file, format, request);
        } finally {
            BYTES_READ.remove();
        }
    }

    public static Table read(Path file, Format format, Request request) {
        Table table = readFormat(file, format, request);
        return request.float64() && !table.data().isFloat64()
                ? table.withWarning("--precision double holds dense CSV and .npy features in float64; these "
                        + (table.data().isSparse() ? "sparse " : "") + "features stay float32")
                : table;
    }

    private static Table readFormat(Path file, Format format, Request request) {
        if (file.toString().equals(STANDARD_INPUT_NAME)) {
            if (format != Format.CSV && format != Format.LIBSVM) {
                throw new InvalidInputException("standard input (-) can carry CSV or LIBSVM data, not " + format
                        + "; give a file");
            }
            return readChecked(STANDARD_INPUT, format, request);
        }
        if (Files.isDirectory(file)) {
            throw new DataFormatException(file + ": is a directory, not a data file");
        }
        if (!Files.exists(file)) {
            throw new DataFormatException(file + ": no such file");
        }
        if (!Files.isRegularFile(file)) {
            throw new DataFormatException(file + ": not a regular file (a pipe or a device); descent reads data from files");
        }
        return readChecked(file, format, request);
    }

    private static Table readChecked(Path file, Format format, Request request) {
        if (request.weights() != null && format != Format.CSV) {
            throw new InvalidInputException("--weights names a column, so it needs CSV data; " + file + " is " + format);
        }
        if ((request.delimiter() != ',' || !request.drop().isEmpty()) && format != Format.CSV) {
            throw new InvalidInputException((request.delimiter() != ',' ? "--delimiter" : "--drop") + " is for CSV data; "
                    + file + " is " + format);
        }
        if ((format == Format.NPY || format == Format.NPZ) && gzipped(file)) {
            throw new DataFormatException(file + ": is gzip-compressed; descent reads ." + format
                    + " files uncompressed (gunzip it first)");
        }
        if (request.hashBuckets() > 0 && format != Format.CSV) {
            throw new InvalidInputException("--hash-features hashes CSV columns; " + file + " is " + format);
        }
        if (request.indexBase() >= 0 && format != Format.LIBSVM) {
            throw new InvalidInputException("--index-base is for LIBSVM data; " + file + " is " + format);
        }
        if (!request.header() && format != Format.CSV) {
            throw new InvalidInputException("--no-header is for CSV data; " + file + " is " + format);
        }
        if (request.labelsFile() != null && format != Format.NPY && format != Format.NPZ) {
            throw new InvalidInputException("--labels is for .npy and .npz data; " + file + " is " + format
                    + (format == Format.CSV ? " (use --label COLUMN)" : " (its labels are in the file)"));
        }
        try {
            return switch (format) {
                case CSV -> CsvReader.read(file, request);
                case LIBSVM -> LibsvmReader.read(file, request);
                case NPY -> NpyReader.read(file, request);
                case NPZ -> NpzReader.read(file, request);
            };
        } catch (IOException e) {
            throw new DataFormatException(file + ": cannot read: " + e.getMessage());
        } catch (OutOfMemoryError e) {
            // what was read so far is garbage now; say what to change instead of dying halfway
            long bytes = file == STANDARD_INPUT ? 0 : file.toFile().length();
            throw DataFormatException.in(file, HeapBudget.exhausted("reading this " + (bytes >> 20)
                    + " MiB file as float32", 2 * bytes));
        }
    }
}
