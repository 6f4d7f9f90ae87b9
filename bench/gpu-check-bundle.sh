#!/usr/bin/env bash
# bench/gpu-check-bundle.sh [OUT.tar.gz]: packs what bench/gpu-check.sh needs into one tarball for
# a GPU host that has Node 20+, g++/make/python3 (to compile the engine for its CPU) and the
# Vulkan loader, but no npm registry and little disk: the repository at HEAD plus its production
# dependencies, with webgpu's Linux x64 build only and without the packages the check never loads
# (Prisma, sharp, the tfjs-node packages). Run it on a machine with the npm registry, then:
#   scp trainyard-gpu-check.tar.gz gpu-host: && ssh gpu-host 'mkdir t && tar -xzf trainyard-gpu-check.tar.gz -C t && bash t/bench/gpu-check.sh'
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=$(realpath -m "${1:-trainyard-gpu-check.tar.gz}")
STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT

git archive HEAD | tar -x -C "$STAGE"
# Scripts off: no Prisma client generation and no engine build here (the GPU host compiles the
# engine for its own CPU; gpu-check.sh does).
# Optional dependencies stay: esbuild (under tsx) has its platform binary there.
(cd "$STAGE" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error)
rm -rf "$STAGE"/node_modules/webgpu/dist/{darwin-universal,linux-arm64,win32-x64,win32-arm64} \
  "$STAGE"/node_modules/{prisma,@prisma,sharp,@img,.prisma} "$STAGE"/node_modules/@tensorflow/tfjs-node{,-gpu}
tar -czf "$OUT" -C "$STAGE" .
echo "$OUT: $(du -h "$OUT" | cut -f1)"
