// A fixed pool of worker threads that runs one parallel loop at a time, the caller included.
// Training kernels are called one after another from the JS thread, so one shared pool is
// enough; tasks are handed out dynamically, which keeps both cores busy when another process
// steals one of them for a while.
#pragma once
#include <functional>

namespace engine {

/** Threads used by parallel_for (the caller counts as one). */
int thread_count();
/** Sets the thread count (>= 1); takes effect at the next parallel_for. */
void set_thread_count(int n);
/** Runs fn(i) for every i in [0, n) across the pool; returns when all are done. Nested calls run serially. */
void parallel_for(int n, const std::function<void(int)>& fn);

}  // namespace engine
