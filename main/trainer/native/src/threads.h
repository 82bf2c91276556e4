// A tiny fork-join pool: the calling thread runs part 0, parked workers run parts 1..n-1, and the
// call returns when all are done. Workers sleep on a condition variable between calls (never spin):
// the studio often runs several trainer processes on few cores, and a spinning idle worker would
// steal a core from a sibling process.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace studio {

class ThreadPool {
 public:
  /** Runs fn(0..parts-1), part 0 on the caller; parts ≤ 1 runs inline. */
  void run(int parts, const std::function<void(int)>& fn) {
    if (parts <= 1) {
      fn(0);
      return;
    }
    {
      std::unique_lock<std::mutex> lock(mu_);
      while (static_cast<int>(workers_.size()) < parts - 1) {
        const int id = static_cast<int>(workers_.size()) + 1;
        workers_.emplace_back([this, id] { loop(id); });
        // Detached: the pool lives until process exit, and joining at static destruction
        // would block exit on workers parked in wait().
        workers_.back().detach();
      }
      task_ = &fn;
      active_ = parts;
      pending_ = parts - 1;
      ++generation_;
    }
    wake_.notify_all();
    fn(0);
    std::unique_lock<std::mutex> lock(mu_);
    done_.wait(lock, [this] { return pending_ == 0; });
    task_ = nullptr;
  }

 private:
  void loop(int id) {
    unsigned long long seen = 0;
    for (;;) {
      const std::function<void(int)>* task = nullptr;
      {
        std::unique_lock<std::mutex> lock(mu_);
        wake_.wait(lock, [&] { return generation_ != seen; });
        seen = generation_;
        if (id >= active_) continue;
        task = task_;
      }
      (*task)(id);
      std::lock_guard<std::mutex> lock(mu_);
      if (--pending_ == 0) done_.notify_one();
    }
  }

  std::mutex mu_;
  std::condition_variable wake_, done_;
  std::vector<std::thread> workers_;
  const std::function<void(int)>* task_ = nullptr;
  int active_ = 0;
  int pending_ = 0;
  unsigned long long generation_ = 0;
};

/** The process-wide pool (intentionally leaked: see run()). */
ThreadPool& pool();

}  // namespace studio
