# One image for the API, the worker and the dashboard (see docker-compose.yml, which picks the
# command). Build: `docker build --target runtime -t onair:local .`

FROM node:20-bookworm-slim AS base
ENV NEXT_TELEMETRY_DISABLED=1 \
    TURBO_TELEMETRY_DISABLED=1 \
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
RUN npm i -g pnpm@12.4.2 && npm cache clean --force
WORKDIR /app

FROM base AS build
ENV CI=true
# Dependencies come from the lockfile alone, so a source change does not download them again.
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
RUN pnpm fetch
COPY . .
RUN pnpm install --frozen-lockfile --offline
RUN pnpm build
# Keep only what runs: drop TypeScript, Vitest, esbuild, Playwright and the other dev dependencies.
RUN pnpm install --frozen-lockfile --offline --prod

FROM base AS runtime
# The worker cuts clips with Debian's ffmpeg (ffprobe included); DejaVu captions synthetic recordings.
RUN apt-get update \
    && apt-get install -y --no-install-recommends ffmpeg fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    DATA_DIR=/data
# Node's image has an unprivileged `node` user. It owns the app (Next.js writes .next/cache at run
# time) and DATA_DIR (a named volume mounted there starts with this ownership).
COPY --from=build --chown=node:node /app /app
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 4000 3000
CMD ["pnpm", "--filter", "@onair/server", "start"]
