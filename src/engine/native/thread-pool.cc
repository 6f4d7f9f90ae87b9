#include "thread-pool.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace engine {
namespace {

thread_local bool in_parallel = false;

class Pool {
 public:
  explicit Pool(int n) { resize(n); }
  ~Pool() { stop_all(); }

  int size() const { return static_cast<int>(workers_.size()) + 1; }

  void resize(int n) {
    n = std::max(1, n);
    if (n == size()) return;
    stop_all();
    stop_ = false;
    for (int i = 0; i < n - 1; i++) workers_.emplace_back([this] { loop(); });
  }

  void run(int n, const std::function<void(int)>& fn) {
    if (n <= 0) return;
    if (n == 1 || workers_.empty() || in_parallel) {
      for (int i = 0; i < n; i++) fn(i);
      return;
    }
    {
      // A worker that woke late for the previous loop may still be leaving it: wait, so it
      // never takes a task of this loop from a half-reset counter.
      std::unique_lock<std::mutex> lock(mutex_);
      done_.wait(lock, [this] { return active_ == 0; });
      fn_ = &fn;
      total_ = n;
      pending_.store(n);
      next_.store(0);
      generation_++;
    }
    wake_.notify_all();
    work();
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [this] { return pending_.load() == 0 && active_ == 0; });
  }

 private:
  void work() {
    in_parallel = true;
    for (;;) {
      int i = next_.fetch_add(1);
      if (i >= total_) break;
      (*fn_)(i);
      pending_.fetch_sub(1);
    }
    in_parallel = false;
  }

  void loop() {
    unsigned long seen = 0;
    for (;;) {
      {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [&] { return stop_ || generation_ != seen; });
        if (stop_) return;
        seen = generation_;
        active_++;
      }
      work();
      {
        std::lock_guard<std::mutex> lock(mutex_);
        active_--;
      }
      done_.notify_all();
    }
  }

  void stop_all() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    for (auto& t : workers_) t.join();
    workers_.clear();
  }

  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_, done_;
  const std::function<void(int)>* fn_ = nullptr;
  int total_ = 0;
  int active_ = 0;  // workers inside work(), guarded by mutex_
  std::atomic<int> next_{0}, pending_{0};
  unsigned long generation_ = 0;
  bool stop_ = false;
};

Pool& pool() {
  static Pool p(static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  return p;
}

}  // namespace

int thread_count() { return pool().size(); }
void set_thread_count(int n) { pool().resize(n); }
void parallel_for(int n, const std::function<void(int)>& fn) { pool().run(n, fn); }

}  // namespace engine
