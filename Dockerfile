# Rounds container image.
#
#   docker build -t rounds .
#   docker run -d -p 8080:8080 -v rounds-data:/data \
#     -e ROUNDS_HOST=rounds.example.org rounds
#
# Two stages: a full Go toolchain to compile, and a slim Debian runtime that
# holds only the binary, so the shipped image carries no compiler or sources.

# ---------------------------------------------------------------------------
# Build stage
# ---------------------------------------------------------------------------
# bookworm (not alpine): github.com/mattn/go-sqlite3 is cgo, so the binary is
# linked against the C library of the build image. Building on bookworm and
# running on bookworm-slim keeps that glibc the same; gcc ships in this image.
FROM golang:1.26-bookworm AS build

# cgo must be on for go-sqlite3 (with it off the driver compiles to a stub
# that fails at run time).
ENV CGO_ENABLED=1

WORKDIR /src

# Dependencies first, in their own layer: this layer is rebuilt only when
# go.mod or go.sum change, not on every source edit.
COPY go.mod go.sum ./
RUN go mod download && go mod verify

COPY . .

# -trimpath drops local file-system paths from the binary (reproducible
# builds, no build-machine paths in stack traces); -s -w strip the symbol
# table and DWARF data to shrink it. The go-build cache mount keeps compiled
# packages (the SQLite amalgamation takes a while in C) between builds; it
# needs BuildKit, the default builder since Docker 23.
RUN --mount=type=cache,target=/root/.cache/go-build \
    go build -trimpath -ldflags "-s -w" -o /out/rounds ./cmd/rounds

# ---------------------------------------------------------------------------
# Runtime stage
# ---------------------------------------------------------------------------
FROM debian:bookworm-slim

# ca-certificates: federation fetches other servers over HTTPS and needs the
# CA bundle to verify them. No curl: the health check uses the binary itself
# (see HEALTHCHECK below), which keeps the image smaller and with less to
# patch.
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/*

# Run as an unprivileged user with a fixed, high uid/gid (10001), so files on
# the volume have a predictable owner and the id does not clash with users on
# the host. No login shell, no home outside the data folder.
RUN groupadd --system --gid 10001 rounds \
    && useradd --system --uid 10001 --gid rounds --home-dir /data \
       --no-create-home --shell /usr/sbin/nologin rounds \
    && mkdir -p /data \
    && chown rounds:rounds /data

COPY --from=build /out/rounds /usr/local/bin/rounds
# The AGPL asks that recipients get the license with the program.
COPY LICENSE /usr/share/doc/rounds/LICENSE

# The SQLite database (and its -wal/-shm files) live here. The folder is
# chowned before VOLUME is declared, so a fresh named volume starts out owned
# by the rounds user. A bind-mounted host folder must be writable by uid 10001.
VOLUME ["/data"]
WORKDIR /data

# ROUNDS_DATABASE: the database inside the volume (the default ./data/rounds.db
# would be /data/data/rounds.db, in a folder that does not exist).
# ROUNDS_LISTEN: all interfaces, because the default 127.0.0.1 cannot be
# reached through a published port.
# Set ROUNDS_HOST (the public domain) at run time; its default,
# localhost:8080, is only good for trying the image out. Rounds does not
# terminate TLS: put it behind a proxy that does, or set ROUNDS_PROTOCOL=http
# for local testing. A config file can be mounted and named with ROUNDS_CONFIG.
ENV ROUNDS_DATABASE=/data/rounds.db \
    ROUNDS_LISTEN=0.0.0.0:8080

EXPOSE 8080

USER rounds:rounds

# ASSUMPTION: `rounds healthcheck` is a subcommand (to be added by the lead)
# that reads the same configuration as `serve` (so the port comes from
# ROUNDS_LISTEN), GETs http://127.0.0.1:<port>/healthz and exits 0 on a 200
# response and non-zero otherwise. Using the binary means the runtime image
# needs no curl or wget.
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
    CMD ["/usr/local/bin/rounds", "healthcheck"]

# ENTRYPOINT is the binary, CMD its default subcommand, so
# `docker run rounds <subcommand> ...` runs any other subcommand.
ENTRYPOINT ["/usr/local/bin/rounds"]
CMD ["serve"]
