# Build: docker build -t xiaopu .
# Run:   docker run -p 8080:8080 -e XIAOPU__AUTH__JWT_SECRET=... -e DATABASE_URL=postgres://... xiaopu
FROM rust:1.95-slim-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends gcc make perl pkg-config \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY src ./src
COPY migrations ./migrations
COPY config ./config
RUN cargo build --release --locked --bin xiaopu \
 && strip target/release/xiaopu

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /var/lib/xiaopu --create-home xiaopu
COPY --from=build /src/target/release/xiaopu /usr/local/bin/xiaopu
USER xiaopu
WORKDIR /var/lib/xiaopu
ENV XIAOPU__SERVER__HOST=0.0.0.0 \
    XIAOPU__SERVER__PORT=8080 \
    XIAOPU__LOG__JSON=true \
    XIAOPU__ENVIRONMENT=production
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s CMD ["/bin/bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /healthz HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q '200 OK' <&3"]
ENTRYPOINT ["/usr/local/bin/xiaopu"]
CMD ["serve"]
