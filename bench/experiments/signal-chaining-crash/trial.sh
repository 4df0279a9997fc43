#!/usr/bin/env bash
# Alternates descent bench (opencl then cpu, 1,000,000 x 64) without and with libjsig preloaded; counts deaths.
cd /work/main
jsig=/usr/lib/jvm/java-17-openjdk-amd64/lib/libjsig.so
for k in $(seq 1 20); do
  java --add-modules jdk.incubator.vector -jar target/descent-cli.jar bench --model linear --backends opencl,cpu --shape 1000000x64 --steps 10 --warmup-seconds 2 > /tmp/trial.out 2>&1
  echo "without rc=$? cpu_line=$(grep -c '^cpu' /tmp/trial.out)"
  LD_PRELOAD=$jsig java --add-modules jdk.incubator.vector -jar target/descent-cli.jar bench --model linear --backends opencl,cpu --shape 1000000x64 --steps 10 --warmup-seconds 2 > /tmp/trial.out 2>&1
  echo "with rc=$? cpu_line=$(grep -c '^cpu' /tmp/trial.out)"
done
