"""The process pool: every job done, workers renewed after a bounded number of jobs."""

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
