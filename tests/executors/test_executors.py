"""The process pool: every job done, workers renewed after a bounded number of jobs
or when their memory swells."""

from __future__ import annotations

import os
from dataclasses import dataclass

from versus.executors.local import ProcessExecutor, SerialExecutor


def worker_pid(number: int) -> tuple[int, int]:
    return number, os.getpid()


def test_the_pool_runs_every_job_and_renews_its_workers():
    executor = ProcessExecutor(workers=2, tasks_per_worker=2)
    try:
        results = list(executor.map(worker_pid, range(9)))
    finally:
        executor.close()
    assert sorted(number for number, _ in results) == list(range(9))
    # Rounds of 2 workers x 2 jobs: 3 rounds, each with processes of its own.
    assert len({pid for _, pid in results}) >= 3
    assert os.getpid() not in {pid for _, pid in results}


@dataclass(frozen=True)
class CheapJob:
    number: int
    cost: float = 0.1


def cheap_worker_pid(job: CheapJob) -> tuple[int, int]:
    return job.number, os.getpid()


def test_jobs_that_cost_less_renew_their_workers_less_often():
    executor = ProcessExecutor(workers=2, tasks_per_worker=2)
    try:  # 9 jobs at a tenth each: no worker reaches its 2 jobs' worth
        results = list(executor.map(cheap_worker_pid, map(CheapJob, range(9))))
    finally:
        executor.close()
    assert sorted(number for number, _ in results) == list(range(9))
    assert len({pid for _, pid in results}) <= 2


def test_more_jobs_than_a_round_do_not_hang():
    executor = ProcessExecutor(workers=2, tasks_per_worker=3)
    try:
        assert len(list(executor.map(worker_pid, range(13)))) == 13
    finally:
        executor.close()


def test_the_serial_executor_runs_in_this_process():
    assert list(SerialExecutor().map(worker_pid, range(3))) == [
        (number, os.getpid()) for number in range(3)]


_HELD: list[bytearray] = []
"""In a worker: what the jobs of ``grow_then_pid`` hold on to, as a swollen heap would."""


def grow_then_pid(megabytes: int) -> int:
    """Take ``megabytes`` and keep them (the worker's memory grows), then the pid."""
    held = bytearray(megabytes * 10**6)
    held[::4096] = b"x" * len(held[::4096])  # touched: resident, not only reserved
    _HELD.append(held)
    return os.getpid()


def resident_after_a_job(_: int) -> int:
    from versus.executors.workers import _resident_bytes

    return _resident_bytes()


def fresh_worker_bytes() -> int:
    fresh = ProcessExecutor(workers=1)
    try:
        return list(fresh.map(resident_after_a_job, [0]))[0]
    finally:
        fresh.close()


def test_a_worker_is_renewed_when_its_memory_swells_not_before():
    from versus.executors.workers import AHEAD

    limit = fresh_worker_bytes() + 100 * 10**6  # a few MB more is not swollen; 300 is
    executor = ProcessExecutor(workers=1, tasks_per_worker=1000, heavy_bytes=limit)
    try:
        light = list(executor.map(grow_then_pid, [1] * 6))
        assert len(set(light)) == 1  # far below the limit: one worker did them all
        swollen = list(executor.map(grow_then_pid, [300] + [1] * 6))
    finally:
        executor.close()
    assert swollen[0] == light[0]  # the job that swelled it ran on it
    # Renewed once it said so: the jobs already sent ahead ran on it, the rest
    # on a new worker.
    assert swollen[AHEAD:] and set(swollen[AHEAD:]).isdisjoint(light)
    assert len(set(swollen[AHEAD:])) == 1


def test_a_big_parent_does_not_make_its_workers_look_swollen():
    # A big build's main process may hold hundreds of MB; on Linux a process it
    # starts inherits its memory high-water mark, which says nothing of the worker.
    limit = fresh_worker_bytes() + 100 * 10**6
    ballast = bytearray(400 * 10**6)
    ballast[::4096] = b"x" * len(ballast[::4096])
    executor = ProcessExecutor(workers=1, tasks_per_worker=1000, heavy_bytes=limit)
    try:
        pids = list(executor.map(grow_then_pid, [1] * 6))
    finally:
        executor.close()
        del ballast
    assert len(set(pids)) == 1


def test_a_worker_is_renewed_after_every_job_past_a_tiny_limit():
    executor = ProcessExecutor(workers=1, tasks_per_worker=1000, heavy_bytes=1)
    try:
        pids = list(executor.map(worker_pid, range(8)))
    finally:
        executor.close()
    assert sorted(number for number, _ in pids) == list(range(8))
    assert len({pid for _, pid in pids}) >= 8 // 2  # at most AHEAD jobs on each
