# One image, every app: `docker run <image> <app>` with app = control-plane | provisioner | edge | counter | data-api | migrate.
#   docker build --target runtime -t platform .                  # what every app runs from
#   docker build --target provisioner -t platform-provisioner .  # the same plus the Pulumi CLI and plugins
# Build stage: full toolchain; runtime stage: production node_modules and compiled output only, as a non-root user,
# under tini so signals reach Node and zombies are reaped.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:24-bookworm-slim AS runtime
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini ca-certificates \
  && rm -rf /var/lib/apt/lists/*
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
ENTRYPOINT ["/usr/bin/tini", "--", "platform"]
CMD ["control-plane"]

# The provisioner runs tenant stacks through the Automation API, which drives the Pulumi CLI. The CLI
# and the gcp and kubernetes plugins are pinned in ops/pulumi-versions.env and checked against their
# published checksums; the plugins sit on PATH, where Pulumi finds them without writing to PULUMI_HOME.
FROM runtime AS provisioner
USER root
COPY ops/pulumi-versions.env /opt/pulumi/versions.env
RUN set -eu; . /opt/pulumi/versions.env; \
  apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*; \
  cd /tmp; \
  fetch() { curl -fsSLO "$1/$2" && curl -fsSL "$1/$3" | grep " $2\$" | sha256sum -c -; }; \
  fetch "https://get.pulumi.com/releases/sdk" "pulumi-v${PULUMI_VERSION}-linux-x64.tar.gz" "pulumi-${PULUMI_VERSION}-checksums.txt"; \
  tar -xzf "pulumi-v${PULUMI_VERSION}-linux-x64.tar.gz" -C /opt/pulumi --strip-components=1; \
  for plugin in "gcp:${PULUMI_GCP_VERSION}" "kubernetes:${PULUMI_KUBERNETES_VERSION}"; do \
    name="${plugin%%:*}"; version="${plugin#*:}"; \
    fetch "https://github.com/pulumi/pulumi-${name}/releases/download/v${version}" \
      "pulumi-resource-${name}-v${version}-linux-amd64.tar.gz" "pulumi-${name}_${version}_checksums.txt"; \
    tar -xzf "pulumi-resource-${name}-v${version}-linux-amd64.tar.gz" -C /opt/pulumi "pulumi-resource-${name}"; \
  done; \
  rm -f /tmp/*.tar.gz; apt-get purge -y curl && apt-get autoremove -y; \
  /opt/pulumi/pulumi version
ENV PATH=/opt/pulumi:$PATH \
    PULUMI_SKIP_UPDATE_CHECK=true \
    PULUMI_HOME=/tmp/pulumi-home
USER node
CMD ["provisioner"]
