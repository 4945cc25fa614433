#!/bin/sh
# Starts one app of the platform from the compiled output (plain node, see docs/architecture.md: why not tsx).
set -eu
app="${1:-control-plane}"
case "$app" in
  control-plane|provisioner|edge|counter|data-api) exec node --enable-source-maps "dist/apps/$app/src/main.js" ;;
  migrate) exec node dist/scripts/migrate.js ;;
  *) echo "unknown app '$app': use control-plane, provisioner, edge, counter, data-api or migrate" >&2; exit 64 ;;
esac
