// A tiny fork-join pool: the calling thread runs part 0, parked workers run parts 1..n-1, and the
// call returns when all are done. Workers sleep on a condition variable between calls (never spin):
// the studio often runs several trainer processes on few cores, and a spinning idle worker would
// steal a core from a sibling process.
//
// POSIX builds use pthreads directly rather than std::thread / std::condition_variable: with GCC 12
// those pull in libstdc++ symbols versioned GLIBCXX_3.4.30, which would stop a prebuilt binary from
// loading on any distribution with an older libstdc++. Windows uses the standard library.
#pragma once

#include <functional>
#include <vector>

#if defined(_WIN32)
#include <condition_variable>
#include <mutex>
#include <thread>
#else
#include <pthread.h>
// glibc 2.34 moved pthread_create into libc under a new symbol version; binding the old one keeps a
// binary built on a current distribution loadable on older ones (the old version is still exported).
#if defined(__linux__) && defined(__GLIBC__) && defined(__x86_64__) && !defined(STUDIO_NO_SYMVER)
__asm__(".symver pthread_create,pthread_create@GLIBC_2.2.5");
#elif defined(__linux__) && defined(__GLIBC__) && defined(__aarch64__) && !defined(STUDIO_NO_SYMVER)
__asm__(".symver pthread_create,pthread_create@GLIBC_2.17");
#endif
#endif

namespace studio {

class ThreadPool {
 public:
  ThreadPool() {
#if !defined(_WIN32)
    pthread_mutex_init(&mu_, nullptr);
    pthread_cond_init(&wake_, nullptr);
    pthread_cond_init(&done_, nullptr);
#endif
  }

  /** Runs fn(0..parts-1), part 0 on the caller; parts ≤ 1 runs inline. */
  void run(int parts, const std::function<void(int)>& fn) {
    if (parts <= 1) {
      fn(0);
      return;
    }
    lock();
    while (workers_ < parts - 1 && spawn(workers_ + 1)) ++workers_;
    // If a thread could not be created, the caller runs the parts it would have run.
    const int active = workers_ + 1 < parts ? workers_ + 1 : parts;
    task_ = &fn;
    active_ = active;
    pending_ = active - 1;
    ++generation_;
    unlock();
    if (active > 1) wakeAll();
    fn(0);
    for (int p = active; p < parts; ++p) fn(p);
    lock();
    while (pending_ != 0) waitDone();
    task_ = nullptr;
    unlock();
  }

 private:
  struct Start {
    ThreadPool* pool;
    int id;
  };

  void loop(int id) {
    unsigned long long seen = 0;
    for (;;) {
      lock();
      while (generation_ == seen) waitWake();
      seen = generation_;
      const std::function<void(int)>* task = id < active_ ? task_ : nullptr;
      unlock();
      if (!task) continue;
      (*task)(id);
      lock();
      if (--pending_ == 0) signalDone();
      unlock();
    }
  }

#if defined(_WIN32)
  void lock() { mu_.lock(); }
  void unlock() { mu_.unlock(); }
  void waitWake() {
    std::unique_lock<std::mutex> l(mu_, std::adopt_lock);
    wake_.wait(l);
    l.release();
  }
  void waitDone() {
    std::unique_lock<std::mutex> l(mu_, std::adopt_lock);
    done_.wait(l);
    l.release();
  }
  void wakeAll() { wake_.notify_all(); }
  void signalDone() { done_.notify_one(); }
  // Detached: the pool lives until process exit; joining at static destruction would block exit.
  bool spawn(int id) {
    try {
      std::thread([this, id] { loop(id); }).detach();
      return true;
    } catch (...) {
      return false;
    }
  }
  std::mutex mu_;
  std::condition_variable wake_, done_;
#else
  void lock() { pthread_mutex_lock(&mu_); }
  void unlock() { pthread_mutex_unlock(&mu_); }
  void waitWake() { pthread_cond_wait(&wake_, &mu_); }
  void waitDone() { pthread_cond_wait(&done_, &mu_); }
  void wakeAll() { pthread_cond_broadcast(&wake_); }
  void signalDone() { pthread_cond_signal(&done_); }
  static void* entry(void* arg) {
    Start s = *static_cast<Start*>(arg);
    delete static_cast<Start*>(arg);
    s.pool->loop(s.id);
    return nullptr;
  }
  bool spawn(int id) {
    pthread_t t;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    auto* s = new Start{this, id};
    const bool ok = pthread_create(&t, &attr, &ThreadPool::entry, s) == 0;
    if (!ok) delete s;
    pthread_attr_destroy(&attr);
    return ok;
  }
  pthread_mutex_t mu_;
  pthread_cond_t wake_, done_;
#endif

  int workers_ = 0;
  const std::function<void(int)>* task_ = nullptr;
  int active_ = 0;
  int pending_ = 0;
  unsigned long long generation_ = 0;
};

/** The process-wide pool (intentionally leaked: workers are detached and live until exit). */
ThreadPool& pool();

}  // namespace studio
