/**
 * descent's fits as Spark ML estimators: {@link dev.descent.spark.DescentLogisticRegression} (binary and
 * multinomial) and {@link dev.descent.spark.DescentLinearRegression}, with MLlib's parameter names and
 * meanings, usable in a {@code Pipeline} and under a {@code CrossValidator}.
 *
 * <p>How a fit runs ({@link dev.descent.spark.DistributedFit}): each partition's rows become one block of
 * descent's float32 layout once, cached by Spark; the first use of a block on an executor uploads it to a
 * descent backend there ({@link dev.descent.spark.PartitionCache}). Every evaluation of the objective
 * broadcasts the parameters, each partition returns its data-term sums (S, L, G), the sums are added in a
 * fixed order ({@link dev.descent.spark.FixedOrderAggregate}), and the driver runs descent's own L-BFGS
 * (OWL-QN with l1) on them. Only vectors of the parameters' size move.
 */
package dev.descent.spark;
