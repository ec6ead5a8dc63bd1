"""sweeplint: a static analyzer for hyperparameter sweeps."""

__version__ = "0.1.0"
