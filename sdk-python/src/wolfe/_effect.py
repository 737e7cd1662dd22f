from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Effect:
    """The receipt of a side-effecting call that returns nothing else."""

    #: True in dry-run mode: the host recorded the call but did not perform it.
    simulated: bool = False
