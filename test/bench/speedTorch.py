"""PyTorch side of `npm run bench:speed` (test/bench/speed.ts starts it once and keeps it running).

Reads one JSON command per line on stdin, answers one JSON line on stdout:
  {"model": "mlp"|"cnn", "threads": 1, "samples": 16384, "epochs": 4, "batch": 128}
  -> {"model": ..., "threads": ..., "rates": [samples/s per epoch, ...], "torch": "1.13.1"}
Same models, batch size, optimizer (Adam, lr 1e-3, eps 1e-7 as tf.train.adam) and kind of synthetic
data (uniform inputs, uniform labels) as the studio side; the data is generated once per shape.
"""
import ctypes
import json
import sys
import time

import torch
from torch import nn


def mlp():
    return nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10))


def cnn():
    # 28x28x1 -> conv32 3x3 -> pool -> conv64 3x3 -> pool -> dense128 -> dense10 (5x5x64 after the pools)
    return nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * 5 * 5, 128), nn.ReLU(), nn.Linear(128, 10))


_data = {}


def data(kind, n):
    key = (kind, n)
    if key not in _data:
        g = torch.Generator().manual_seed(1)
        shape = (n, 784) if kind == "mlp" else (n, 1, 28, 28)
        _data[key] = (torch.rand(shape, generator=g), torch.randint(0, 10, (n,), generator=g))
    return _data[key]


def blas_libraries():
    """The BLAS/LAPACK shared objects torch loaded (Debian's torch uses whatever libblas.so.3 is)."""
    with open("/proc/self/maps") as f:
        return sorted({l.split()[-1] for l in f if "blas" in l or "lapack" in l} - {"", "[heap]"})


def set_threads(n):
    # torch.set_num_threads does not reach OpenBLAS's own pthread pool: set both, or the
    # "1 thread" figure would really use every core.
    torch.set_num_threads(n)
    for path in blas_libraries():
        try:
            ctypes.CDLL(path).openblas_set_num_threads(n)
        except (OSError, AttributeError):
            pass


def blas_name():
    libs = " ".join(blas_libraries())
    for name in ("openblas", "mkl", "blis"):
        if name in libs:
            return name
    return "reference BLAS" if libs else "none found"


def run(cmd):
    set_threads(int(cmd["threads"]))
    if "blasThreads" in cmd:  # OpenBLAS's pool on its own (see speed.ts: PyTorch's best 2-thread setting)
        for path in blas_libraries():
            try:
                ctypes.CDLL(path).openblas_set_num_threads(int(cmd["blasThreads"]))
            except (OSError, AttributeError):
                pass
    torch.manual_seed(1)
    kind, n, batch = cmd["model"], int(cmd["samples"]), int(cmd["batch"])
    x, y = data(kind, n)
    model = mlp() if kind == "mlp" else cnn()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    loss_fn = nn.CrossEntropyLoss()
    rates = []
    for _ in range(int(cmd["epochs"])):
        perm = torch.randperm(n)
        t0 = time.perf_counter()
        for s in range(0, n, batch):
            idx = perm[s:s + batch]
            xb, yb = x[idx], y[idx]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            # Read the loss every batch, as the studio streams it.
            loss.item()
        rates.append(n / (time.perf_counter() - t0))
    return {"model": kind, "threads": torch.get_num_threads(), "rates": rates, "torch": torch.__version__, "blas": blas_name()}


def main():
    torch.zeros(2, 2) @ torch.zeros(2, 2)  # loads the BLAS so blas_name() can see it
    print(json.dumps({"ready": True, "torch": torch.__version__, "blas": blas_name()}), flush=True)
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            out = run(json.loads(line))
        except Exception as e:  # answer instead of dying, so the benchmark can say what failed
            out = {"error": f"{type(e).__name__}: {e}"}
        print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
