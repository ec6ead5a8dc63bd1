"""Hydra multirun sweeps: the sweeper config in `hydra.sweeper` (basic, Optuna, Ax, Nevergrad).

One module per sweeper (basic, optuna, ax, nevergrad), the override grammar (overrides) and what its
functions mean (sweeps), where a sweeper config sits (layout), config groups (groups) and OmegaConf
interpolations (interpolation); `reader` ties them together.
"""

from sweeplint.formats.hydra.reader import READER

__all__ = ["READER"]
