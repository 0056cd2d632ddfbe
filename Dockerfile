# syntax=docker/dockerfile:1
# yagura's container image: the static binary of scripts/build-static.sh and the CA
# certificates, nothing else (FROM scratch: no shell, no libc, no package manager).
# The binaries are built first and copied in, for each platform its own:
#   scripts/build-static.sh x86_64 && docker build -t yagura .
#   scripts/build-static.sh aarch64 && docker buildx build --platform linux/arm64 -t yagura .
# Run: docker run --rm -e AWS_PROFILE -v ~/.aws:/root/.aws:ro -v yagura:/data yagura audit
#      docker run --rm -v /:/host:ro yagura host --root /host

# Set by BuildKit to the platform being built (amd64, arm64). No default: a default here would
# override BuildKit's value, and an arm64 image would get the x86_64 binary.
ARG TARGETARCH

# Only the CA bundle is taken from here (the image's AWS and webhook clients verify TLS); it is
# the same on every platform, so this stage runs on the build machine's, never under emulation.
FROM --platform=$BUILDPLATFORM debian:bookworm-slim AS certs
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/*

# BuildKit builds only the stage of the target platform, so one binary is enough locally.
FROM scratch AS bin-amd64
COPY dist/yagura-x86_64-unknown-linux-musl /yagura
FROM scratch AS bin-arm64
COPY dist/yagura-aarch64-unknown-linux-musl /yagura
FROM bin-${TARGETARCH} AS bin

FROM scratch
COPY --from=certs /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=bin /yagura /yagura
ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \
    YAGURA_DATA_DIR=/data \
    HOME=/root
VOLUME ["/data"]
ENTRYPOINT ["/yagura"]
CMD ["--help"]
