# syntax=docker/dockerfile:1
# Multi-stage: build with dev dependencies, run with production ones only, as a non-root user.

FROM node:24-bookworm-slim AS build
WORKDIR /app
# patches/: graphql-shield's fix for Node 23+, applied by patch-package on install.
COPY package.json package-lock.json ./
COPY patches ./patches
# onnxruntime-node's install script would download CUDA binaries: package.json's allowScripts denies it
# (npm 11.16+); the variable tells the script itself to skip, for an image whose npm is older.
RUN ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# The demo page (web/demo, built by Vite) uses the typed client and its generated code (client/).
COPY client ./client
COPY web ./web
RUN npm run build

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4000 \
    MODELS_DIR=/app/models
WORKDIR /app
COPY package.json package-lock.json ./
COPY patches ./patches
RUN ONNXRUNTIME_NODE_INSTALL=skip npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# The bundled models are baked in; mount a volume over /app/models to serve your own.
COPY models ./models
USER node
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||4000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# Production refuses to start without credentials: pass API_KEYS_FILE (mounted) or AUTH_JWT_* settings.
# A 32 MB young generation (V8's semi-space): the gateway allocates a lot per request, and with the
# default size much of a big query's CPU goes to scavenges (README, Performance).
CMD ["node", "--max-semi-space-size=32", "--max-old-space-size=1024", "dist/main.js"]
