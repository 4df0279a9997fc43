/** A runnable example: a fit from a LIBSVM or Parquet file on Spark, with spark-submit or from Maven. */
package dev.descent.spark.examples;
