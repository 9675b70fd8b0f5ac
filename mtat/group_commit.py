"""Group commit: threads' calls of one batched function share its runs.

While one thread runs the function, other threads' items queue up, and the next of them runs
everything queued in one call; if that call fails, each item alone (one bad item fails only its
caller). Worth it where one call on many items costs little more than on one: a text encoder's
forward pass, a product that reads a whole matrix from memory.
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

In = TypeVar("In")
Out = TypeVar("Out")


class GroupCommit(Generic[In, Out]):
    """``run(items) -> outputs`` (one output per item, in order) shared by concurrent callers of
    :meth:`__call__` (see the module docstring)."""

    def __init__(self, run: Callable[[list[In]], Sequence[Out]]):
        self._fn = run
        self._turn = threading.Condition()  # guards the queue of waiting jobs and who runs
        self._queue: list[_Job] = []
        self._running = False

    def __call__(self, item: In) -> Out:
        """``run([item])[0]``, computed together with the items other threads queued meanwhile."""
        job = _Job(item)
        with self._turn:
            self._queue.append(job)
            while not job.done and self._running:
                self._turn.wait()
            if job.done:
                return job.value()
            self._running = True
            jobs, self._queue = self._queue, []
        try:
            self._run(jobs)
        finally:
            with self._turn:
                self._running = False
                self._turn.notify_all()
        return job.value()

    def _run(self, jobs: list[_Job]) -> None:
        """Every job in one call; if that fails, each job alone."""
        try:
            out = self._fn([j.item for j in jobs])
        except Exception as err:  # noqa: BLE001 - handed to the callers
            if len(jobs) == 1:
                jobs[0].finish(error=err)
                return
            for j in jobs:
                self._run([j])
            return
        for j, value in zip(jobs, out):
            j.finish(value)


class _Job:
    """One caller's item waiting for its run, then its output or error."""

    def __init__(self, item):
        self.item = item
        self.done = False
        self._value = None
        self._error: BaseException | None = None

    def finish(self, value=None, error: BaseException | None = None) -> None:
        self._value, self._error, self.done = value, error, True

    def value(self):
        if self._error is not None:
            raise self._error
        return self._value
