# exfilwatch: network sensor for data exfiltration to cloud storage.
# Build:  docker build -t exfilwatch .
# Run:    docker run -d --name exfilwatch --net=host --cap-drop=ALL --cap-add=NET_RAW --cap-add=NET_ADMIN \
#           -v /etc/exfilwatch:/etc/exfilwatch:ro -v exfilwatch-data:/var/lib/exfilwatch \
#           exfilwatch live --interface eth1 --config /etc/exfilwatch/config.yaml --metrics 127.0.0.1:9108
# See docs/deploy.md.

# ---- build: compile TypeScript and the libpcap binding (pcap, node-gyp) ----
FROM node:20-bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpcap-dev python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json ./
# Scripts off for the install (the root `prepare` needs the sources), then build only the binding.
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && npm rebuild pcap \
 && test -f node_modules/pcap/build/Release/pcap_binding.node
COPY tsconfig.json ./
COPY src ./src
COPY bin ./bin
COPY intel ./intel
RUN npx tsc -p tsconfig.json \
 && npm prune --omit=dev --no-audit --no-fund

# ---- runtime: node, libpcap, the app; no compiler, no root ----
FROM node:20-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpcap0.8 libcap2-bin \
 && cp /usr/local/bin/node /usr/local/bin/exfilwatch-node \
 && setcap cap_net_raw,cap_net_admin+ep /usr/local/bin/exfilwatch-node \
 && apt-get purge -y libcap2-bin \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system exfilwatch \
 && useradd --system --gid exfilwatch --home-dir /var/lib/exfilwatch --shell /usr/sbin/nologin exfilwatch \
 && mkdir -p /etc/exfilwatch /var/lib/exfilwatch \
 && chown exfilwatch:exfilwatch /var/lib/exfilwatch
WORKDIR /app
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY --from=build /src/bin ./bin
COPY --from=build /src/intel ./intel
# Only this copy of node carries CAP_NET_RAW and CAP_NET_ADMIN (file capabilities); the healthcheck's
# plain node has none. The container must be started with both in its bounding set (--cap-add).
RUN printf '#!/bin/sh\nexec /usr/local/bin/exfilwatch-node /app/bin/exfilwatch.js "$@"\n' > /usr/local/bin/exfilwatch \
 && chmod 0755 /usr/local/bin/exfilwatch
ENV NODE_ENV=production
VOLUME ["/etc/exfilwatch", "/var/lib/exfilwatch"]
USER exfilwatch
# Needs `--metrics 127.0.0.1:9108` (the default command has it); with --net=host this is the host's loopback.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:9108/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["exfilwatch"]
CMD ["live", "--interface", "eth0", "--metrics", "127.0.0.1:9108"]
