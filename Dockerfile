# Rewind production image: Node 24 runs the TypeScript sources directly (type stripping).
# It talks to a ClickHouse server (CLICKHOUSE_URL) and leaves the embedded engine (chdb, an
# optional dependency of ~550 MB) out.

FROM node:24-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies only: no dev tools, no optional embedded ClickHouse.
RUN npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund

FROM node:24-slim
ENV NODE_ENV=production \
    REWIND_HTTP_PORT=9464 \
    REWIND_DATA_DIR=/var/lib/rewind
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY src ./src
COPY config ./config
COPY bin ./bin
# Node's compile cache (src/cli/main.ts), written once here: every process of the image starts
# with its TypeScript stripped and compiled already, and no thread loads the stripper (≈ 12 MB each).
ENV NODE_COMPILE_CACHE=/app/.node-compile-cache
RUN node src/cli/main.ts --version
RUN mkdir -p /var/lib/rewind && chown node:node /var/lib/rewind
USER node
EXPOSE 9464
# A small V8 heap, two malloc arenas and a fixed 2 MB mmap threshold: the daemon's live data is
# pages in flight (< 100 MB measured); without a cap V8 collects lazily and holds several times
# that, and glibc keeps freed page buffers (bench/RESULTS.md). The daemon sets its own limits for
# its job concurrency (src/daemon/heapFlags.ts); -e NODE_OPTIONS=--max-old-space-size=…,
# -e MALLOC_ARENA_MAX=… and -e MALLOC_MMAP_THRESHOLD_=… override.
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.REWIND_HTTP_PORT||9464)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# SIGTERM stops the daemon cleanly: it stops taking commands, checkpoints, drains NATS.
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "src/cli/main.ts"]
CMD ["daemon"]
