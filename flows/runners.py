"""Where the extraction batches run: on the flow's own task runner (threads), or on a Dask cluster.

Only the extraction batches go to Dask. Ingest, resolution and the output folder stay in the flow's process: the
folder is local to the flow, and on a cluster the workers need not share its filesystem.

The runner is chosen per run, from settings (so from flow parameters, CLI flags or KGBUILD_DASK_*), rather than
fixed on the flow with `with_options(task_runner=...)`: a flow's task runner is set before its parameters are known,
and a Dask runner there would also take every other task. A subflow with its own runner would have the batches
(the whole corpus) as parameters, which Prefect stores with the subflow run.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from prefect.context import FlowRunContext
from prefect.futures import PrefectFuture, as_completed
from prefect.settings import PREFECT_API_URL, temporary_settings
from prefect.task_runners import TaskRunner

from kgbuild.settings import Settings

R = TypeVar("R")


@contextmanager
def extraction_runner(settings: Settings) -> Iterator[TaskRunner]:
    """The task runner for the extraction batches; call inside a flow run. A Dask cluster it starts (dask_workers)
    is closed on exit; one it connects to (dask_address) is left running."""
    context = FlowRunContext.get()
    if context is None:
        raise RuntimeError("extraction_runner is for use inside a flow run")
    if not (settings.dask_address or settings.dask_workers):
        yield context.task_runner
        return
    from prefect_dask import DaskTaskRunner

    if settings.dask_address:
        runner = DaskTaskRunner(address=settings.dask_address)
    else:
        # One thread per worker: an extractor runs one batch at a time (a spaCy pipeline is not thread-safe), so
        # worker processes are what runs batches in parallel.
        runner = DaskTaskRunner(cluster_kwargs={"n_workers": settings.dask_workers, "threads_per_worker": 1,
                                                "processes": True})
    # Task runs on the workers report to this flow run's API. Without PREFECT_API_URL that is the temporary server
    # this process started, which the workers would not know: each would start (and record into) its own.
    with runner, temporary_settings({PREFECT_API_URL: str(context.client.api_url)}):
        yield runner


def completed_results(futures: Iterable[PrefectFuture[R]]) -> Iterator[R]:
    """The result of each future that succeeds, in the order they finish; failed ones are skipped (their error is
    raised by their `result()`)."""
    for future in as_completed(list(futures)):
        future.wait()
        if future.state.is_completed():
            yield future.result()
