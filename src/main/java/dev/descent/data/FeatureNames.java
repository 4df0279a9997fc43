package dev.descent.data;

import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

/** Names of formats without a header (LIBSVM, .npy): f0, f1, ..., made when asked for, so a wide file costs no list of strings. */
final class FeatureNames {
    private FeatureNames() {
    }

    static List<String> numbered(int count) {
        return new Numbered(count);
    }

    private static final class Numbered extends AbstractList<String> implements RandomAccess {
        private final int count;

        Numbered(int count) {
            this.count = count;
        }

        @Override
        public String get(int index) {
            if (index < 0 || index >= count) {
                throw new IndexOutOfBoundsException(index);
            }
            return "f" + index;
        }

        @Override
        public int size() {
            return count;
        }
    }
}
