# Builds the `leerroute` binary and a small runtime image.
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked -p leerroute

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /var/lib/leerroute --create-home leerroute
COPY --from=build /src/target/release/leerroute /usr/local/bin/leerroute
USER leerroute
WORKDIR /var/lib/leerroute
ENV LEERROUTE_LISTEN=0.0.0.0:8080
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --retries=5 CMD curl -fsS http://127.0.0.1:8080/readyz || exit 1
ENTRYPOINT ["leerroute"]
CMD ["serve"]
