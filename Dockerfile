# syntax=docker/dockerfile:1
# The standalone server (npm run build:standalone) as a non-root user, with the models inside and telemetry off.
#   docker build -t brain-tumor-detector . && docker run -p 3000:3000 brain-tumor-detector
# Debian (glibc): onnxruntime-node ships no musl binary, so no Alpine. Node 20 on bookworm is what CI runs the tests on.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# onnxruntime-node's install script would download CUDA files; its CPU binary ships in the package
ENV NEXT_TELEMETRY_DISABLED=1 ORT_DISABLE_TELEMETRY=1 ONNXRUNTIME_NODE_INSTALL=skip
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build:standalone

FROM ${NODE_IMAGE} AS run
WORKDIR /app
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 ORT_DISABLE_TELEMETRY=1 MALLOC_ARENA_MAX=2 PORT=3000 HOSTNAME=0.0.0.0
# owned by root and only readable by the server: it writes nothing (uploads stay in memory)
COPY --from=build /app/.next/standalone ./
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.PORT + '/api/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "server.js"]
