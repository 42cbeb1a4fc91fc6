"""Jobs (:mod:`align.jobs`): computations that wait for pool threads without blocking
their caller.  Real threads, real futures."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from align.jobs import Job, Pump, Task, Wait, drive, finished, ready_counts


def _squares(
    n: int, pool: ThreadPoolExecutor | None, ran_in: list[str], cleaned: list[bool]
) -> Job[list[int]]:
    """n tasks started at once (submitted to ``pool``), collected in order."""

    def square(k: int) -> int:
        ran_in.append(threading.current_thread().name)
        time.sleep(0.01)
        return k * k

    tasks = [Task(square, k) for k in range(n)]
    try:
        if pool is not None:
            for t in tasks:
                pool.submit(t.run_unclaimed)
        out = []
        for k, t in enumerate(tasks):
            if not t.future.done():
                yield Wait(t, tasks[k:])
            out.append(t.future.result())
        return out
    finally:
        cleaned.append(True)


def test_drive_runs_a_job_to_its_end_and_the_waiting_thread_helps():
    """Without a pool, every task runs in the thread that waits; with one, both run them."""
    ran_in: list[str] = []
    cleaned: list[bool] = []
    assert drive(_squares(6, None, ran_in, cleaned)) == [k * k for k in range(6)]
    assert set(ran_in) == {threading.current_thread().name} and cleaned == [True]
    ran_in.clear()
    with ThreadPoolExecutor(1, thread_name_prefix="pool") as pool:
        assert drive(_squares(12, pool, ran_in, cleaned)) == [k * k for k in range(12)]
    assert len(ran_in) == 12  # each task ran once
    assert threading.current_thread().name in ran_in and any(n.startswith("pool") for n in ran_in)
    assert drive(finished("value")) == "value"


def test_a_pump_goes_on_only_while_nothing_waits_and_blocks_when_asked():
    ran_in: list[str] = []
    cleaned: list[bool] = []
    with ThreadPoolExecutor(1, thread_name_prefix="pool") as pool:
        pump = Pump(_squares(8, pool, ran_in, cleaned))
        pump.step()  # starts the tasks, returns at the first wait
        assert not pump.done
        pump.step(block=True, until=lambda: len(ran_in) >= 3)
        assert not pump.done and len(ran_in) >= 3
        pump.step(block=True)
        assert pump.done and pump.error is None and cleaned == [True] and len(ran_in) == 8


def test_a_failed_task_ends_the_job_with_its_error_and_a_closed_job_cleans_up():
    def boom(_: int) -> int:
        raise ValueError("model failed")

    def job() -> Job[int]:
        t = Task(boom, 0)
        yield Wait(t, [t])
        return t.future.result()

    with pytest.raises(ValueError, match="model failed"):
        drive(job())
    pump = Pump(job())
    pump.step(block=True)
    assert pump.done and isinstance(pump.error, ValueError)

    cleaned: list[bool] = []
    with ThreadPoolExecutor(1) as pool:
        pump = Pump(_squares(4, pool, [], cleaned))
        pump.step()
        pump.close()
    assert pump.done and cleaned == [True]


def test_a_task_runs_once_whoever_claims_it():
    calls: list[int] = []
    task = Task(calls.append, 1)
    assert task.claim() and not task.claim()
    task.run()
    task.run_unclaimed()  # claimed already: nothing
    assert calls == [1] and task.future.done()


def test_ready_counts_follow_the_texts_in_order():
    texts = ["a", "b", "a", "c", "d", "b"]
    todo = ["b", "c"]  # a and d are ready already
    counts = ready_counts(texts, todo)
    assert [counts(i) for i in range(3)] == [1, 3, 6]
