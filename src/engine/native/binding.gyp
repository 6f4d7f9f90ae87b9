# The engine's native kernels, compiled by build-native-engine.ts (npm ci's postinstall).
# -march=native: the addon is compiled on the machine that runs it, so it uses every vector
# instruction that CPU has (the loader refuses a build made on a CPU with more features).
# gnu++17 keeps -ffp-contract=fast (strict c++17 turns it off), which the GEMM needs to fuse
# its multiply-adds into FMA instructions: twice the throughput. -fno-math-errno lets sqrt
# vectorise (nothing reads errno).
{
  "targets": [
    {
      "target_name": "trainyard_engine",
      "sources": ["addon.cc", "avg-pool.cc", "batch-norm.cc", "conv2d.cc", "direct-conv2d.cc", "elementwise.cc", "gemm.cc", "max-pool.cc", "optimizer-step.cc", "rows.cc", "thread-pool.cc", "tile.cc"],
      "cflags_cc!": ["-fno-exceptions", "-O2"],
      "cflags_cc": ["-std=gnu++17", "-O3", "-march=native", "-ffp-contract=fast", "-fno-math-errno", "-fexceptions"],
      "cflags!": ["-O2"],
      "ldflags": ["-pthread"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
