"""One timing harness for the ``tools/analysis_tools/benchmark_*.py`` scripts.

Every method's benchmark compares two (or more) pieces of work on the same
machine, e.g. a paper's module against the upstream one it replaces.
:func:`time_interleaved` runs them in rounds, one call of each per round
after the warm-up rounds, so that a change of machine load during the run
hits every side alike, synchronises CUDA around each call, and returns a
:class:`Timing` per piece of work (median, mean, spread, the ratio of two
medians and, on CUDA, the peak memory); :func:`forward_latencies` applies
it to the inference forward of several models on one input.
:func:`resolve_device` and :func:`describe_device` give the scripts one way
to pick the device and to print it with the thread count, and
:func:`print_table` one way to print the result.
"""
import statistics
import time
import warnings
from dataclasses import dataclass
from functools import partial
from typing import Callable, Dict, List, Mapping, Optional, Sequence, Union

import torch


@dataclass
class Timing:
    """The timed runs of one piece of work.

    Attributes:
        times (list[float]): Seconds of each timed run (warm-up excluded).
        peak_memory (int, optional): The most CUDA memory allocated during
            a timed run, in bytes; None unless measured.
    """
    times: List[float]
    peak_memory: Optional[int] = None

    @property
    def median(self) -> float:
        """Median seconds of a run."""
        return statistics.median(self.times)

    @property
    def mean(self) -> float:
        """Mean seconds of a run."""
        return statistics.fmean(self.times)

    @property
    def spread(self) -> float:
        """Largest minus smallest seconds of a run."""
        return max(self.times) - min(self.times)

    def ratio(self, other: 'Timing') -> float:
        """This median over ``other``'s (below 1: this one is faster)."""
        return self.median / other.median


def resolve_device(name: str) -> torch.device:
    """``torch.device(name)``, or the CPU with a warning without CUDA."""
    device = torch.device(name)
    if device.type == 'cuda' and not torch.cuda.is_available():
        warnings.warn(f'--device {name}: CUDA is not available, '
                      'benchmarking on the CPU')
        device = torch.device('cpu')
    return device


def describe_device(device: Union[str, torch.device]) -> str:
    """The GPU's name, or ``cpu (N threads)`` with torch's thread count."""
    device = torch.device(device)
    if device.type == 'cuda':
        return f'{device} ({torch.cuda.get_device_name(device)})'
    threads = torch.get_num_threads()
    return f'cpu ({threads} thread{"s" if threads > 1 else ""})'


def time_interleaved(fns: Mapping[str, Callable[[], object]],
                     repeats: int,
                     warmup: int = 1,
                     device: Union[str, torch.device] = 'cpu',
                     clock: Callable[[], float] = time.perf_counter,
                     before: Optional[Callable[[int], None]] = None,
                     peak_memory: bool = False) -> Dict[str, Timing]:
    """Time each function in interleaved rounds after warm-up rounds.

    Round ``r`` (``0 .. warmup + repeats - 1``) calls every function once,
    in the order of ``fns``; the first ``warmup`` rounds are not timed.

    Args:
        fns (Mapping[str, Callable]): Name to a function of no argument.
        repeats (int): Timed rounds (at least 1).
        warmup (int): Untimed rounds first. Defaults to 1.
        device (str | torch.device): Where the work runs; on CUDA every
            call is synchronised before and after. Defaults to ``'cpu'``.
        clock (Callable[[], float]): Seconds, e.g. ``time.process_time``
            for the CPU time of the process. Defaults to
            ``time.perf_counter``.
        before (Callable[[int], None], optional): Called with the round
            number before each call (e.g. to seed random augmentation the
            same way for every function), outside the timed span.
        peak_memory (bool): Also record the peak CUDA memory of the timed
            runs (ignored on the CPU). Defaults to False.

    Returns:
        dict[str, Timing]: The timed runs of each function.
    """
    if repeats < 1:
        raise ValueError(f'repeats must be at least 1, got {repeats}')
    cuda = torch.device(device).type == 'cuda'
    measure_memory = peak_memory and cuda
    times: Dict[str, List[float]] = {name: [] for name in fns}
    peaks: Dict[str, int] = {name: 0 for name in fns}
    for round_index in range(warmup + repeats):
        for name, fn in fns.items():
            if before is not None:
                before(round_index)
            if cuda:
                torch.cuda.synchronize(device)
            if measure_memory:
                torch.cuda.reset_peak_memory_stats(device)
            start = clock()
            fn()
            if cuda:
                torch.cuda.synchronize(device)
            elapsed = clock() - start
            if round_index >= warmup:
                times[name].append(elapsed)
                if measure_memory:
                    peaks[name] = max(peaks[name],
                                      torch.cuda.max_memory_allocated(device))
    return {
        name: Timing(times[name], peaks[name] if measure_memory else None)
        for name in fns
    }


def forward_latencies(models: Mapping[str, torch.nn.Module],
                      inputs: torch.Tensor,
                      repeats: int,
                      device: Union[str, torch.device] = 'cpu',
                      warmup: int = 1) -> Dict[str, Timing]:
    """:func:`time_interleaved` of ``model(inputs)`` in inference mode."""
    with torch.inference_mode():
        return time_interleaved(
            {name: partial(model, inputs)
             for name, model in models.items()},
            repeats,
            warmup=warmup,
            device=device)


def print_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """Print ``rows`` under ``header`` as ``|``-separated padded columns."""
    widths = [
        max(len(row[i]) for row in [header, *rows])
        for i in range(len(header))
    ]
    for row in [header, *rows]:
        print(' | '.join(cell.ljust(w) for cell, w in zip(row, widths)))
