"""kgbuild: a knowledge graph of methods, datasets, metrics, tasks and claims from ML paper abstracts."""

__version__ = "0.2.0"
