"""The service's scans in worker processes forked from the loaded scanner (``cptscan serve --workers N``).

One process accepts every connection and answers ``/health``; scans go to whichever of the N workers is
free, whatever connection they came on. (uvicorn's own ``--workers`` runs N whole servers on one socket:
the first to accept keeps its clients' keep-alive connections, so two clients often shared one worker
while the other idled, and a worker scanning a long note missed uvicorn's 5-second liveness ping and was
killed.) The workers are forked once the scanner is loaded, with the garbage collector's view of it frozen,
so its pages stay shared, as the CLI's ``--jobs`` workers do; each ends when the service ends, however it
ends.
"""

from __future__ import annotations

import gc
import multiprocessing as mp
import os
import signal
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Optional

from .scanner import _die_with_parent

#: the scanner a forked worker inherits (set in the service process before the fork)
_scanner: Optional[Any] = None


def _start_worker(parent: int) -> None:
    _die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the service's to handle


def _scan(records: list[dict]) -> list[dict]:
    assert _scanner is not None
    return list(_scanner.scan(records))


class ScanPool:
    """``workers`` processes scanning batches of records with ``scanner``; ``scan`` blocks its caller (one of
    FastAPI's threads) until a worker has the results."""

    def __init__(self, scanner: Any, workers: int):
        global _scanner
        _scanner = scanner
        self.workers = workers
        self.pool = self._fork()

    def _fork(self) -> ProcessPoolExecutor:
        gc.freeze()
        pool = ProcessPoolExecutor(self.workers, mp_context=mp.get_context("fork"), initializer=_start_worker,
                                   initargs=(os.getpid(),))
        pool.submit(int).result()  # fork the workers now, from the loading thread, not later from a request's
        return pool

    def scan(self, records: list[dict]) -> list[dict]:
        try:
            return self.pool.submit(_scan, records).result()
        except BrokenProcessPool:  # a worker was killed (out of memory, by hand): the next request gets new ones
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = self._fork()
            raise

    def close(self) -> None:
        """Stops the workers without waiting for a scan in progress (the service is stopping)."""
        processes = list((self.pool._processes or {}).values())
        self.pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.terminate()
