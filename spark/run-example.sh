#!/usr/bin/env bash
# Runs the example fit (dev.descent.spark.examples.FitFile) on local[*] without a Spark installation,
# with Spark from Maven. Build first: mvn install (repository root), then mvn -f spark package -DskipTests.
# Usage: spark/run-example.sh FILE [logistic|linear] [REG_PARAM] [MODEL_DIR]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
classpath="$here/target/classpath.txt"
if [ ! -s "$classpath" ] || [ "$here/pom.xml" -nt "$classpath" ]; then
  mvn -B -q -f "$here/pom.xml" dependency:build-classpath -Dmdep.includeScope=provided -Dmdep.outputFile="$classpath.provided" >/dev/null
  mvn -B -q -f "$here/pom.xml" dependency:build-classpath -Dmdep.outputFile="$classpath.compile" >/dev/null
  echo "$(cat "$classpath.provided"):$(cat "$classpath.compile")" > "$classpath"
fi
# the Vector API for descent's cpu backend, and the module openings Spark asks of a JDK 17 JVM
exec java --add-modules jdk.incubator.vector -XX:+IgnoreUnrecognizedVMOptions \
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED \
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED \
  --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED \
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED \
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED \
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED \
  --add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED \
  -Djdk.reflect.useDirectMethodHandle=false -Dio.netty.tryReflectionSetAccessible=true \
  -Dlog4j2.configurationFile="$here/src/test/resources/log4j2.properties" \
  ${DESCENT_JAVA_OPTS:-} -cp "$here/target/classes:$(cat "$classpath")" dev.descent.spark.examples.FitFile "$@"
