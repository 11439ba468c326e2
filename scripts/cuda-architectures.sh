#!/usr/bin/env bash
# Which GPUs ND4J's CUDA build can run on, read from the library itself: resolves nd4j-cuda-11.6 (linux-x86_64) from
# Maven, extracts libnd4jcuda.so, and prints the machine code and PTX in its .nv_fatbin section, then checks it with
# FatBinaryTest. Usage: scripts/cuda-architectures.sh   (needs about 1 GB free in $TMPDIR; no GPU needed)
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(sed -n "s:.*<dl4j.version>\(.*\)</dl4j.version>.*:\1:p" pom.xml)
mvn -q dependency:get -Dartifact="org.nd4j:nd4j-cuda-11.6:${version}:jar:linux-x86_64"
jar="${HOME}/.m2/repository/org/nd4j/nd4j-cuda-11.6/${version}/nd4j-cuda-11.6-${version}-linux-x86_64.jar"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
unzip -q -o "$jar" '*/libnd4jcuda.so' -d "$work"
library=$(find "$work" -name libnd4jcuda.so)
mvn -q -o compile
java -cp target/classes dev.trainyard.training.cuda.FatBinary "$library"
TRAINYARD_CUDA_LIBRARY="$library" mvn -q -o test-compile surefire:test -Dtest=FatBinaryTest
echo "FatBinaryTest passed on $(basename "$jar")"
