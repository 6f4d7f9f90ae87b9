#!/usr/bin/env bash
# bench/gpu-check.sh: does the webgpu backend train on this machine's GPU, and how fast against
# the engine? Run from a checkout (or the bundle bench/gpu-check-bundle.sh makes) on the GPU host:
#
#   bash bench/gpu-check.sh            # ~5 minutes on a GPU; prints the adapter and a table
#
# Steps: Node >= 20; dependencies (node_modules from the bundle, else `npm ci`); the Vulkan loader
# and an ICD (the NVIDIA driver's nvidia_icd.json); a HARDWARE adapter (SwiftShader fails the
# check); the engine compiled for this CPU; then the reference CNN and the BN CNN trained on
# webgpu and on the engine through the worker's own training loop, samples/s side by side.
# Env: SAMPLES (default 12800 = 200 steps of 64 per epoch) for the reference CNN, BN_SAMPLES
# (default SAMPLES/4: the engine is slow on batch norm) for the BN CNN, EPOCHS (2; samples/s is
# the last epoch's), ALLOW_SOFTWARE=1 to try it without a GPU, WEBGPU_ADAPTER to pick an adapter.
set -uo pipefail
cd "$(dirname "$0")/.."
SAMPLES=${SAMPLES:-12800}
BN_SAMPLES=${BN_SAMPLES:-$((SAMPLES / 4))}
EPOCHS=${EPOCHS:-2}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
fail() { echo "GPU CHECK FAILED: $*"; exit 1; }
step() { printf '\n== %s\n' "$*"; }

step "node"
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' || fail "Node 20 or later is needed (found $(node -v 2>/dev/null || echo none))"
node -v

step "dependencies"
if [ ! -f node_modules/webgpu/dist/linux-x64/dawn.node ]; then
  echo "no node_modules with webgpu's Linux build: npm ci (needs the npm registry)"
  timeout 600 npm ci --no-audit --no-fund --omit=optional || fail "npm ci failed; build the bundle elsewhere with bench/gpu-check-bundle.sh"
fi
echo "webgpu $(node -p 'require("./node_modules/webgpu/package.json").version'), tfjs-backend-webgpu $(node -p 'require("./node_modules/@tensorflow/tfjs-backend-webgpu/package.json").version')"

step "vulkan"
ldconfig -p 2>/dev/null | grep 'libvulkan.so.1' >/dev/null || fail "no Vulkan loader (libvulkan.so.1): apt-get install libvulkan1"
ls /usr/share/vulkan/icd.d /etc/vulkan/icd.d 2>/dev/null || echo "no ICD folder found"
[ -n "${VK_ICD_FILENAMES:-}" ] && echo "VK_ICD_FILENAMES=$VK_ICD_FILENAMES"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=index,name,driver_version,memory.total --format=csv,noheader

step "adapter"
allow=""; [ "${ALLOW_SOFTWARE:-}" = 1 ] && allow="--allow-software"
timeout 120 npx --no-install tsx bench/gpu-adapter.ts $allow 2>"$OUT/adapter.err" | tee "$OUT/adapter.json"
grep -q '"ok":true' "$OUT/adapter.json" || { grep -v XDG_RUNTIME_DIR "$OUT/adapter.err" | head -20; fail "no hardware WebGPU adapter (see README \"Run on a GPU server\")"; }

step "engine"
node -e 'require("fs").accessSync("src/engine/native/build/Release/trainyard_engine.node")' 2>/dev/null \
  && timeout 60 npx --no-install tsx -e 'import("./src/engine/native-engine.ts").then((m) => { const r = m.loadNativeEngine(); if (!r.ok) { console.log(r.reason); process.exit(1); } })' \
  || timeout 600 npm run --silent build:engine || echo "the engine did not build: its rows will say why"

step "training (reference CNN ${SAMPLES} samples, BN CNN ${BN_SAMPLES}, x ${EPOCHS} epochs each)"
for model in reference bn; do
  samples=$SAMPLES; [ "$model" = bn ] && samples=$BN_SAMPLES
  for backend in webgpu engine; do
    timeout 300 npx --no-install tsx bench/train-one-backend.ts "$backend" "$samples" "$EPOCHS" 1000 0 "$model" 2>>"$OUT/train.err" | tee -a "$OUT/train.jsonl"
    [ "${PIPESTATUS[0]}" = 124 ] && echo "{\"backend\":\"$backend\",\"model\":\"$model\",\"error\":\"did not finish within 300 s\"}" | tee -a "$OUT/train.jsonl"
  done
done

step "result"
node -e '
  const fs = require("fs");
  const rows = fs.readFileSync(process.argv[1], "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
  const adapter = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
  console.log(`adapter: ${adapter.summary}`);
  console.log(`kernels webgpu lacks that cpu has: ${adapter.kernelsMissing.length} (${adapter.kernelsMissing.join(", ")}; none used by run specs)`);
  console.log("model      backend  samples/s  1st-epoch  loss     test-acc  peak-RSS");
  for (const r of rows) console.log(r.error ? `${r.model.padEnd(10)} ${r.backend.padEnd(8)} error: ${r.error}` :
    `${r.model.padEnd(10)} ${r.backend.padEnd(8)} ${String(r.samplesPerSec).padStart(9)}  ${String(r.firstEpochSamplesPerSec).padStart(9)}  ${String(r.loss).padEnd(7)}  ${String(r.testAcc).padEnd(8)}  ${r.peakRssMb} MB`);
  for (const m of ["reference", "bn"]) {
    const [g, e] = ["webgpu", "engine"].map((b) => rows.find((r) => r.model === m && r.backend === b && !r.error));
    if (g && e) console.log(`${m}: webgpu ${(g.samplesPerSec / e.samplesPerSec).toFixed(2)}x the engine`);
  }
  if (rows.some((r) => r.backend === "webgpu" && r.error)) process.exitCode = 1;
' "$OUT/train.jsonl" "$OUT/adapter.json" || fail "webgpu did not train (stderr: $(grep -v XDG_RUNTIME_DIR "$OUT/train.err" | tail -3))"
