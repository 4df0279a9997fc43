package dev.descent.spark;

import org.apache.spark.ml.util.Identifiable$;

/**
 * The uid of a Params object written in Java. Spark's superclasses name their params with
 * {@code uid()} while they are constructed, before a Java subclass's fields are set, so a subclass
 * takes its uid lazily: the one handed to {@link #pending} just before its constructor ran (copies,
 * loaded models), else a fresh random one.
 */
final class Uids {
    private static final ThreadLocal<String> PENDING = new ThreadLocal<>();

    private Uids() {
    }

    /** Marks {@code uid} for the object about to be constructed on this thread; returns a token for its constructor. */
    static Pending pending(String uid) {
        PENDING.set(uid);
        return Pending.TOKEN;
    }

    /** The pending uid (then cleared), or a random one with {@code prefix}. */
    static String take(String prefix) {
        String uid = PENDING.get();
        PENDING.remove();
        return uid != null ? uid : Identifiable$.MODULE$.randomUID(prefix);
    }

    /** Marks a constructor that takes its uid from {@link #pending}. */
    enum Pending {
        TOKEN
    }
}
