package dev.descent.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import scala.Tuple2;

/**
 * Adds one value per partition in a fixed order, in a tree of the given depth: the same data and
 * partitioning give the same bits whatever order tasks finish in. Spark's own {@code treeAggregate}
 * merges in the order results arrive (its final fold and the reduce side of each level), which makes
 * floating-point sums vary from run to run; here each group of neighbouring partitions is added in
 * partition order, level by level, and the driver adds the last level's results in group order.
 */
final class FixedOrderAggregate {
    /** Adds {@code right} into {@code left} and returns {@code left}. */
    interface Merge<T> extends Serializable {
        T add(T left, T right);
    }

    private FixedOrderAggregate() {
    }

    /**
     * The sum over partitions 0, 1, 2, ... of {@code perPartition}'s values (exactly one per partition,
     * as {@code mapPartitionsWithIndex} returns them paired with their index). {@code depth} >= 1: 1 sends
     * every value to the driver; 2 and more add groups of about P^(1/depth) partitions on the executors.
     */
    static <T> T sum(JavaPairRDD<Integer, T> perPartition, int partitions, int depth, Merge<T> merge) {
        JavaPairRDD<Integer, T> level = perPartition;
        int count = partitions;
        int fanIn = Math.max(2, (int) Math.ceil(Math.pow(partitions, 1.0 / Math.max(1, depth))));
        // as Spark's treeAggregate: a level only where it leaves the driver fewer values to add
        while (depth > 1 && count > fanIn + (count + fanIn - 1) / fanIn) {
            int groupSize = fanIn;
            int groups = (count + groupSize - 1) / groupSize;
            level = level.mapToPair(entry -> new Tuple2<>(entry._1() / groupSize, entry))
                    .groupByKey(groups)
                    .mapToPair(group -> new Tuple2<>(group._1(), inOrder(group._2(), merge)));
            count = groups;
        }
        List<Tuple2<Integer, T>> last = new ArrayList<>(level.collect());
        return inOrder(last, merge);
    }

    /** The values added in the order of their keys (partition or group indices). */
    private static <T> T inOrder(Iterable<Tuple2<Integer, T>> values, Merge<T> merge) {
        List<Tuple2<Integer, T>> sorted = new ArrayList<>();
        values.forEach(sorted::add);
        sorted.sort(Comparator.comparing(Tuple2::_1));
        T total = null;
        for (Tuple2<Integer, T> value : sorted) {
            total = total == null ? value._2() : merge.add(total, value._2());
        }
        return total;
    }

    /** One value per partition, keyed by the partition's index. */
    static <T> JavaPairRDD<Integer, T> keyed(JavaRDD<T> onePerPartition) {
        return JavaPairRDD.fromJavaRDD(onePerPartition.mapPartitionsWithIndex((index, values) -> {
            List<Tuple2<Integer, T>> out = new ArrayList<>(1);
            while (values.hasNext()) {
                out.add(new Tuple2<>(index, values.next()));
            }
            return out.iterator();
        }, true));
    }
}
