"""How training runs on this machine, knowing nothing of models (imports `errors` only).

    cpu.py       threads per stack, the allocator, the device
    parallel.py  jobs in one-thread worker processes, one progress bar, stopped at once on an error
    folders.py   folders written whole or not at all
"""
