// A fixed pool of worker threads that runs one parallel loop at a time, the caller included.
// Training kernels are called one after another from the JS thread, so one shared pool is
// enough; tasks are handed out dynamically, which keeps both cores busy when another process
// steals one of them for a while.
#pragma once
#include <algorithm>
#include <functional>

namespace engine {

/** Threads used by parallel_for (the caller counts as one). */
int thread_count();
/** Sets the thread count (>= 1); takes effect at the next parallel_for. */
void set_thread_count(int n);
/** Runs fn(i) for every i in [0, n) across the pool; returns when all are done. Nested calls run serially. */
void parallel_for(int n, const std::function<void(int)>& fn);

/** fn(begin, end) over [0, n) in chunks of `chunk` across the pool; one chunk stays on the calling thread. */
template <typename F>
void parallel_chunks(long n, long chunk, F fn) {
  const int tasks = static_cast<int>((n + chunk - 1) / chunk);
  if (tasks <= 1) {
    fn(0L, n);
    return;
  }
  parallel_for(tasks, [&](int t) { fn(t * chunk, std::min(n, (t + 1) * chunk)); });
}

}  // namespace engine
