# ml-workflow prediction server: a multi-stage build.
#
# 1. Make the model artifact first (the image bakes it in; the build fails
#    with '"/models/boston-housing.json": not found' when it is missing):
#
#      make model
#      # or: cargo run --release -- train --dataset boston-housing --out models/boston-housing.json
#
# 2. Build from the repository root:
#
#      docker build -t ml-workflow:latest .
#
#    Another artifact from the build context (it must not be excluded by .dockerignore):
#
#      docker build --build-arg MODEL_FILE=models/other.json -t ml-workflow:latest .
#
# 3. Run (the server listens on 0.0.0.0:$PORT, 8080 by default):
#
#      docker run --rm -p 8000:8080 ml-workflow:latest
#      curl -s http://localhost:8000/health
#
# Swap the model at run time without rebuilding, either by mounting a file over the baked one
#
#      docker run --rm -p 8000:8080 -v "$PWD/models/other.json:/app/models/model.json:ro" ml-workflow:latest
#
# or by passing arguments, which replace the CMD below (and with it the default --model; when
# no --model is given, the server falls back to $ML_WORKFLOW_MODEL):
#
#      docker run --rm -p 8000:8080 -v "$PWD/models:/models:ro" ml-workflow:latest --model /models/other.json
#      docker run --rm -p 8000:8080 -v "$PWD/models:/models:ro" -e ML_WORKFLOW_MODEL=/models/other.json \
#        ml-workflow:latest --body-limit 65536
#
# No HEALTHCHECK: the runtime image has no shell or curl. Probe GET /health from outside
# (Kubernetes does, see deploy/k8s/deployment.yaml).

# ---------------------------------------------------------------------------------------------
# Stage 1: compile. Dependencies are built in their own layer from the manifest and lock file
# alone, so editing src/ only recompiles the crate itself.
FROM rust:1.95-slim-bookworm AS builder

ENV CARGO_TERM_COLOR=never \
    CARGO_INCREMENTAL=0

WORKDIR /build

COPY Cargo.toml Cargo.lock ./

# Dummy targets so that the manifest resolves (each [[bench]] and [[test]] needs its file to
# exist, even though the build does not compile it); then drop the dummy crate's own outputs so
# that the real sources below are always rebuilt, whatever their timestamps.
RUN mkdir -p src benches tests \
    && echo 'fn main() {}' > src/main.rs \
    && : > src/lib.rs \
    && : > benches/ingest.rs \
    && : > benches/modeling.rs \
    && : > tests/serving.rs \
    && : > tests/cli.rs \
    && : > tests/hostile.rs \
    && cargo build --release --locked --bin ml-workflow \
    && rm -rf src \
        target/release/ml-workflow target/release/ml-workflow.d \
        target/release/.fingerprint/ml-workflow-* \
        target/release/deps/ml_workflow-* target/release/deps/libml_workflow-*

COPY src ./src

RUN touch src/lib.rs src/main.rs \
    && cargo build --release --locked --bin ml-workflow

# ---------------------------------------------------------------------------------------------
# Stage 2: the model artifact, from the build context (see the top of this file).
FROM rust:1.95-slim-bookworm AS model

ARG MODEL_FILE=models/boston-housing.json

COPY ${MODEL_FILE} /model/model.json

RUN test -s /model/model.json \
    || { echo "model artifact ${MODEL_FILE} is empty: run 'make model' before 'docker build'" >&2; exit 1; } \
    && chmod 0444 /model/model.json

# ---------------------------------------------------------------------------------------------
# Stage 3: runtime. Distroless with glibc and libgcc (what a Rust binary links against),
# no shell, no package manager; the :nonroot tag runs as uid/gid 65532.
FROM gcr.io/distroless/cc-debian12:nonroot AS runtime

ARG VERSION=0.1.0
ARG REVISION=unknown

LABEL org.opencontainers.image.title="ml-workflow" \
      org.opencontainers.image.description="ml-workflow prediction server: POST /predict, GET /health, /model, /metrics" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.licenses="MIT OR Apache-2.0" \
      org.opencontainers.image.base.name="gcr.io/distroless/cc-debian12:nonroot"

WORKDIR /app

COPY --from=builder /build/target/release/ml-workflow /app/ml-workflow
COPY --from=model /model/model.json /app/models/model.json

# PORT: the server binds 0.0.0.0:$PORT when --addr is not given.
# ML_WORKFLOW_MODEL: the default for --model when the CMD is replaced.
ENV PORT=8080 \
    RUST_LOG=info \
    ML_WORKFLOW_MODEL=/app/models/model.json

# "nonroot" is uid/gid 65532 in the distroless /etc/passwd; Kubernetes pins runAsUser: 65532
# (deploy/k8s/deployment.yaml), so runAsNonRoot can be checked without resolving the name.
# hadolint ignore=DL3066
USER nonroot

EXPOSE 8080

# Exec form: the server is PID 1 and receives SIGTERM itself (it shuts down gracefully).
ENTRYPOINT ["/app/ml-workflow", "serve"]
CMD ["--model", "/app/models/model.json"]
