# One image, every app: `docker run <image> <app>` with app = control-plane | provisioner | edge | counter | data-api | migrate.
# Build stage: full toolchain; runtime stage: production node_modules and compiled output only, as a non-root user.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    ASSET_DIR=/var/lib/platform/assets
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --from=build --chown=node:node /app/prisma/migrations ./prisma/migrations
COPY --chown=node:node ops/docker-entrypoint.sh /usr/local/bin/platform
RUN mkdir -p /var/lib/platform/assets && chown -R node:node /var/lib/platform
USER node
EXPOSE 3000 3001 3002 3003 8080
ENTRYPOINT ["platform"]
CMD ["control-plane"]
