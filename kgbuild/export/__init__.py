"""Export stage: graph serialisations for other tools (GraphML, Turtle), shared by sinks and subgraph exports."""

from kgbuild.export.formats import write_graphml, write_turtle

__all__ = ["write_graphml", "write_turtle"]
