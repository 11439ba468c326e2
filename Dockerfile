# syntax=docker/dockerfile:1
# trainyard image. CPU (default): docker build -t trainyard:0.1.0 .
# NVIDIA GPUs:                  docker build --build-arg BACKEND=cuda -t trainyard:0.1.0-cuda .
# ND4J's native libraries need glibc: every stage is Debian/Ubuntu based, never Alpine (musl).
ARG BACKEND=cpu

FROM maven:3.9-eclipse-temurin-17 AS build
ARG BACKEND
WORKDIR /src
COPY pom.xml .
# dependencies in their own layer, reused while only the sources change
RUN mvn -B -ntp -q $([ "$BACKEND" = cuda ] && echo -Pcuda) dependency:go-offline
COPY src src
RUN mvn -B -ntp -q $([ "$BACKEND" = cuda ] && echo -Pcuda) -DskipTests package \
 && java -Djarmode=tools -jar target/trainyard-0.1.0-SNAPSHOT.jar extract --layers --launcher --destination /layers

FROM eclipse-temurin:17-jre-jammy AS runtime-cpu

# ND4J 1.0.0-M2.1's CUDA backend is built for CUDA 11.6
FROM nvidia/cuda:11.6.2-cudnn8-runtime-ubuntu20.04 AS runtime-cuda
RUN apt-get update \
 && apt-get install -y --no-install-recommends openjdk-17-jre-headless \
 && rm -rf /var/lib/apt/lists/*

FROM runtime-${BACKEND}
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 trainyard \
 && useradd --system --uid 10001 --gid trainyard --home-dir /data --no-create-home trainyard \
 && mkdir -p /data /app \
 && chown trainyard:trainyard /data
WORKDIR /app
# least to most often changed, one layer each
COPY --from=build /layers/dependencies/ ./
COPY --from=build /layers/spring-boot-loader/ ./
COPY --from=build /layers/snapshot-dependencies/ ./
COPY --from=build /layers/application/ ./
USER 10001:10001
VOLUME /data
EXPOSE 8080
# GOMP_SPINCOUNT: see docs/benchmarks.md; the native library cache goes to /tmp (the root filesystem may be read-only)
ENV TRAINYARD_DATA_DIR=/data \
    GOMP_SPINCOUNT=1000 \
    JAVA_OPTS="-Xms1g -Xmx1g -XX:+AlwaysPreTouch -Dorg.bytedeco.javacpp.maxbytes=2g -Dorg.bytedeco.javacpp.maxphysicalbytes=4g -Dorg.bytedeco.javacpp.cachedir=/tmp/javacpp"
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
  CMD curl -fsS http://127.0.0.1:8080/actuator/health/liveness || exit 1
# exec: the JVM is PID 1 and gets SIGTERM itself (graceful shutdown, exit 0)
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS org.springframework.boot.loader.launch.JarLauncher \"$@\"", "trainyard"]
