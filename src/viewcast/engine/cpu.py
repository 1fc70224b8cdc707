"""How training uses this machine's CPU: threads per stack, and the allocator.

Measured on a 2-core machine while building the engine: a small model's matrix
products are too small to share between two threads (the hand-over costs more
than it saves: one model at batch 32 runs 1.3× faster on one thread), while a
stack of 64 models runs ~1.8× faster on two. And each fresh large allocation (glibc
gives blocks over 128 kB their own pages from the system) page-faults on first
use; keeping freed memory in the process instead (`keep_freed_memory`) made
full-batch training of a stack of 64 ~1.4× faster. The command line and worker
processes call it; from Python it is the caller's choice, since it is process-wide.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os

import torch

from ..errors import ConfigError

SMALL_UPDATE = 2_000_000
"""Multiply-adds per update (all models of a stack, one batch) below which one thread is faster."""

_M_TRIM_THRESHOLD, _M_MMAP_MAX = -1, -4  # mallopt's parameters, from glibc's malloc.h


def n_cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


_max_threads: int | None = None


def memory_available(device: torch.device | None = None) -> int | None:
    """Bytes of memory a new allocation can get now on `device` (on the CPU: Linux's MemAvailable), or None where unknown."""
    if device is not None and device.type == "cuda":
        return torch.cuda.mem_get_info(device)[0]
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def limit_threads(n: int) -> None:
    """Never train with more than `n` threads in this process (a worker of `parallel` uses 1)."""
    global _max_threads
    _max_threads = n
    torch.set_num_threads(n)


def threads_for(multiply_adds_per_update: float) -> int:
    """How many threads a stack should train with: one for small updates, else every core."""
    wanted = 1 if multiply_adds_per_update < SMALL_UPDATE else n_cores()
    return wanted if _max_threads is None else min(wanted, _max_threads)


@contextlib.contextmanager
def one_thread():
    """Inside the block, training uses one thread, whatever `limit_threads` said before: a task
    that must give the same numbers in any process (`parallel.map_unordered`'s) runs the same
    sums in the same order on one thread everywhere."""
    global _max_threads
    before = _max_threads
    _max_threads = 1
    try:
        with using_threads(1):
            yield
    finally:
        _max_threads = before


@contextlib.contextmanager
def using_threads(n: int):
    """PyTorch's intra-op threads set to `n` inside the block, and set back after it."""
    before = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)


_kept = False


def keep_freed_memory() -> None:
    """Ask glibc to reuse freed memory rather than hand it back and fault it in again.

    The same as starting Python with MALLOC_MMAP_MAX_=0 and a large MALLOC_TRIM_THRESHOLD_.
    Does nothing where the C library is not glibc. Called once per process, before training.
    """
    global _kept
    if _kept:
        return
    _kept = True
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
    except (OSError, AttributeError, TypeError):
        return  # not glibc (macOS, musl without mallopt, Windows): nothing to tune
    mallopt(_M_MMAP_MAX, 0)
    mallopt(_M_TRIM_THRESHOLD, 1 << 30)


def resolve_device(name: str) -> torch.device:
    """The device a `TrainConfig.device` names: auto is CUDA when PyTorch sees a GPU, else the CPU."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise ConfigError(f"device {name} asked for, but PyTorch sees no CUDA GPU; use --device cpu")
    return torch.device(name)
