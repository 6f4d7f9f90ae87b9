# One image for the API and the worker; docker-compose.yml picks the command.
# @tensorflow/tfjs-node-gpu 4.x links libtensorflow 2.9.1: CUDA 11.2+ and cuDNN 8.1+ (any later 11.x / 8.x;
# not CUDA 12). g++, make and python3 also let npm ci compile the native engine (src/engine).
# The webgpu backend (npm `webgpu`, Dawn, binaries inside the package) needs only the Vulkan
# loader, libvulkan1; the NVIDIA driver's Vulkan ICD (nvidia_icd.json and libGLX_nvidia) is
# mounted into the container by the NVIDIA Container Toolkit when the `graphics` driver
# capability is asked for (docker-compose.yml does), so it runs on any current driver, CUDA 12 too.
FROM nvidia/cuda:11.8.0-cudnn8-runtime-ubuntu22.04 AS base
ENV DEBIAN_FRONTEND=noninteractive NODE_ENV=production
# compute,utility for CUDA and nvidia-smi; graphics for Vulkan (webgpu).
ENV NVIDIA_DRIVER_CAPABILITIES=compute,utility,graphics
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl gnupg python3 make g++ libvulkan1 \
 && curl -fsSL https://deb.nodesource.com/setup_20.x | bash - \
 && apt-get install -y --no-install-recommends nodejs \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app

FROM base AS deps
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
# npm ci's postinstall generates the Prisma client and compiles the native engine from these sources.
COPY src/engine ./src/engine
# It also bundles the dashboard (web/src) with esbuild, a devDependency: dev dependencies are
# installed for that step and pruned right after, so the image carries only web/dist.
COPY src/dashboard ./src/dashboard
COPY web ./web
# With internet at build time, the optional native backends (tfjs-node-gpu, tfjs-node)
# download libtensorflow here; `--foreground-scripts` shows it. Without it they are skipped
# and the worker falls back to the engine or the pure-JS backend, saying so.
RUN npm ci --include=optional --include=dev --foreground-scripts && npm prune --omit=dev

FROM base
COPY . .
COPY --from=deps /app/node_modules ./node_modules
COPY --from=deps /app/src/generated ./src/generated
COPY --from=deps /app/src/engine/native/build ./src/engine/native/build
COPY --from=deps /app/web/dist ./web/dist
RUN useradd --system --uid 10001 trainyard && mkdir -p /data && chown trainyard /data
USER trainyard
ENV HOST=0.0.0.0 PORT=3000 STORAGE_DIR=/data
EXPOSE 3000
CMD ["npm", "run", "api"]
