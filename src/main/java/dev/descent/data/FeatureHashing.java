package dev.descent.data;

import java.nio.charset.StandardCharsets;

/**
 * The hashing trick for CSV columns (--hash-features N): categorical data as sparse features without a
 * dictionary. As scikit-learn's {@code FeatureHasher(n_features=N)} on one dict per row: a numeric field
 * counts its value under its column's name; any other field counts 1 under "column=value". A name goes
 * to bucket |h| mod N with sign + for h >= 0 and - otherwise, h its signed 32-bit MurmurHash3 (seed 0)
 * of the UTF-8 bytes, so the buckets are scikit-learn's. Names that collide in a bucket add up: the
 * alternating sign keeps the sum unbiased, and a larger N makes collisions rarer (about r^2 / (2N) pairs
 * among r distinct names).
 */
public final class FeatureHashing {
    private FeatureHashing() {
    }

    /** The bucket of a name's hash, 0..buckets-1, as scikit-learn's FeatureHasher. */
    static int bucket(int hash, int buckets) {
        // |-2^31| overflows an int: scikit-learn defines it as (2^31 - 1 - (N - 1)) mod N, which equals 2^31 mod N
        return hash == Integer.MIN_VALUE ? (Integer.MAX_VALUE - (buckets - 1)) % buckets : Math.abs(hash) % buckets;
    }

    /** +1 or -1: scikit-learn's alternate_sign. */
    static float sign(int hash) {
        return hash >= 0 ? 1 : -1;
    }

    /** The hash of a string's UTF-8 bytes. */
    public static int hash(String name) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        return murmur3(bytes, 0, bytes.length);
    }

    /** MurmurHash3's x86 32-bit variant with seed 0, as a signed int (scikit-learn's murmurhash3_32). */
    static int murmur3(byte[] data, int from, int length) {
        final int c1 = 0xcc9e2d51;
        final int c2 = 0x1b873593;
        int h = 0;
        int blocks = length / 4;
        for (int b = 0; b < blocks; b++) {
            int i = from + 4 * b;
            int k = (data[i] & 0xff) | (data[i + 1] & 0xff) << 8 | (data[i + 2] & 0xff) << 16 | (data[i + 3] & 0xff) << 24;
            k *= c1;
            k = Integer.rotateLeft(k, 15);
            k *= c2;
            h ^= k;
            h = Integer.rotateLeft(h, 13);
            h = h * 5 + 0xe6546b64;
        }
        int tail = from + 4 * blocks;
        int k = 0;
        switch (length & 3) {
            case 3:
                k ^= (data[tail + 2] & 0xff) << 16;
                // fall through
            case 2:
                k ^= (data[tail + 1] & 0xff) << 8;
                // fall through
            case 1:
                k ^= data[tail] & 0xff;
                k *= c1;
                k = Integer.rotateLeft(k, 15);
                k *= c2;
                h ^= k;
                break;
            default:
                break;
        }
        h ^= length;
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }
}
