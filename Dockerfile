# syntax=docker/dockerfile:1
# One image for service A, service B, service C and the load generator; docker-compose.yml picks the
# program with `command` (python -m services.service_a | services.service_b | services.service_c | loadgen).
#
# It builds on linux/amd64 and linux/arm64 (Apple silicon). Every dependency ships a CPython 3.11 wheel
# for both but hdrhistogram, which has none for linux/arm64: pip builds it there from its sdist (one C
# file, libc and Python headers), so the builder stage has gcc and libc6-dev. The final stage copies the
# virtualenv as it is, without them (tests/unit/test_image_platforms.py checks both against PyPI).
# It installs the `cascade` extra at uv.lock's versions; the `demo` extra's Envoy and Tansu binaries (for
# the local stack) and the dev tools stay out: compose runs Envoy and Kafka from their own images.

ARG PYTHON_IMAGE=python:3.11.15-slim-trixie

FROM ${PYTHON_IMAGE} AS builder
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1
# Debian's gcc and libc6-dev move with the release's point updates: pinned, the build would break.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends gcc libc6-dev \
    && rm -rf /var/lib/apt/lists/*
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
# pyproject.toml names README.md as the long description, so the build needs it.
COPY pyproject.toml uv.lock README.md ./
COPY tracebreak/ tracebreak/
COPY services/ services/
COPY loadgen/ loadgen/
# uv (the Makefile's UV_VERSION) reads the lock; pip installs each package at its version, checked
# against its hash, then tracebreak itself. A regular (non-editable) install: the packages land in the
# venv's site-packages, so the final stage needs the venv alone. `pip check` fails the build if the
# versions do not fit together.
RUN pip install --no-cache-dir uv==0.13.10 \
    && uv export --locked --no-emit-project --quiet --extra cascade --output-file /tmp/locked.txt \
    && pip install --no-cache-dir --require-hashes --no-deps -r /tmp/locked.txt \
    && pip install --no-cache-dir --no-deps . \
    && pip uninstall --yes uv \
    && pip check

FROM ${PYTHON_IMAGE}
LABEL org.opencontainers.image.title="tracebreak" \
      org.opencontainers.image.description="tracebreak services A, B, C and the load generator" \
      org.opencontainers.image.licenses="Apache-2.0"
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN groupadd --system --gid 10001 tracebreak \
    && useradd --system --uid 10001 --gid tracebreak --no-create-home --home-dir /nonexistent \
       --shell /usr/sbin/nologin tracebreak
COPY --from=builder /opt/venv /opt/venv
WORKDIR /app
USER 10001:10001
# 8000: service A (HTTP), 50051: service B (gRPC), 8003: service C (health only)
EXPOSE 8000 50051 8003
CMD ["python", "-m", "services.service_a"]
