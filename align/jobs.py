"""Jobs: computations that wait for other threads without blocking their caller.

A job is a generator that yields a :class:`Wait` whenever it waits for a
:class:`Task` it started, and returns its result.  Its caller either waits (:func:`drive`:
the same as a plain call), helping with the job's tasks meanwhile, or does other work
and comes back when the task is done (:class:`Pump`).  The bundled model's records are
made this way (:meth:`align.embed.BaseEmbedder.prefetch`): a micro-batch is prepared
and finished in the caller's thread and run (one onnxruntime call) by a pool thread, or
by the caller while it would otherwise wait.  So ``Aligner.align_many`` aligns some
documents while the model embeds the next, with one thread per core: the pool has one
thread fewer than the cores, and the caller's thread is the last one.  (A second
Python thread doing numpy work beside the caller's would queue for the GIL: each
hand-over between two busy threads costs about 40 us on a 2-core VM.)
"""

from __future__ import annotations

import threading
from bisect import bisect_left
from collections.abc import Callable, Generator, Sequence
from concurrent.futures import Future, wait
from typing import Any, Generic, TypeVar

__all__ = ["Job", "Pump", "Task", "Wait", "drive", "finished", "ready_counts"]

_T = TypeVar("_T")
_A = TypeVar("_A")


class Task(Generic[_A, _T]):
    """``fn(arg)``, run once: by a pool thread (:meth:`run_unclaimed`, what is submitted)
    or by a thread that waits for it and claims it first (:meth:`claim`, then :meth:`run`)."""

    def __init__(self, fn: Callable[[_A], _T], arg: _A) -> None:
        self.fn, self.arg = fn, arg
        self.future: Future[_T] = Future()
        self._lock = threading.Lock()
        self._claimed = False

    def claim(self) -> bool:
        """True for the one caller that gets to run it."""
        with self._lock:
            if self._claimed:
                return False
            self._claimed = True
            return True

    def run(self) -> None:
        """Run it (after :meth:`claim`), its result or exception in :attr:`future`."""
        self.future.set_running_or_notify_cancel()
        try:
            self.future.set_result(self.fn(self.arg))
        except BaseException as exc:
            self.future.set_exception(exc)

    def run_unclaimed(self) -> None:
        if self.claim():
            self.run()


class Wait:
    """What a job yields: the task it waits for, and the tasks it started that a
    waiting caller may run itself meanwhile (:meth:`help`)."""

    def __init__(self, task: Task[Any, Any], started: Sequence[Task[Any, Any]]) -> None:
        self.task = task
        self.started = started

    def done(self) -> bool:
        return self.task.future.done()

    def help(self) -> bool:
        """Run one of the started tasks that no thread has taken yet, here; False when
        there is none (every one is running or done: wait for :attr:`task`)."""
        for task in self.started:
            if task.claim():
                task.run()
                return True
        return False

    def block(self) -> None:
        """Help until the task is done, then wait for it."""
        while not self.done() and self.help():
            pass
        wait([self.task.future])


Job = Generator[Wait, None, _T]
"""A computation that yields a :class:`Wait` whenever it waits and returns its result."""


def drive(job: Job[_T]) -> _T:
    """Run a job to its end, waiting (and helping: :meth:`Wait.block`) whenever it waits."""
    try:
        waiting = next(job)
        while True:
            waiting.block()
            waiting = next(job)
    except StopIteration as stop:
        out: _T = stop.value
        return out


def finished(value: _T) -> Job[_T]:
    """A job that waits for nothing: ``value``."""
    return value
    yield  # a generator


def ready_counts(texts: Sequence[str], todo: Sequence[str]) -> Callable[[int], int]:
    """For a prefetch of ``texts`` that computes the distinct ``todo`` (a subsequence,
    in order; the others are ready already): how many of ``texts``, from the start, are
    ready once the first ``i`` of ``todo`` are."""
    at = {t: i for i, t in reversed(list(enumerate(todo)))}  # first occurrence
    last: list[int] = []
    top = -1
    for t in texts:
        top = max(top, at.get(t, -1))
        last.append(top)
    return lambda i: bisect_left(last, i)


class Pump:
    """A job run a step at a time between other work: :meth:`step` goes on while what
    it waits for is done, and returns as soon as it would have to wait (or, with
    ``block``, helps and waits until the job ends).  A job that fails ends with its exception in
    :attr:`error`; :meth:`close` stops one that has not ended (its ``finally`` runs)."""

    def __init__(self, job: Job[Any]) -> None:
        self._job = job
        self._waiting: Wait | None = None
        self.done = False
        self.error: BaseException | None = None

    def step(self, block: bool = False, until: Callable[[], bool] | None = None) -> None:
        """Go on with the job while it does not wait, or (``block``) until it ends or
        ``until()`` holds."""
        while not self.done and not (until is not None and until()):
            if self._waiting is not None and not self._waiting.done():
                if not block:
                    return
                self._waiting.block()
            try:
                self._waiting = next(self._job)
            except StopIteration:
                self.done = True
            except Exception as exc:  # the caller decides what a failed job means
                self.done, self.error = True, exc

    def close(self) -> None:
        if not self.done:
            self._job.close()
            self.done = True
