"""Sinks: where a built graph goes. `write_output_folder` is the embedded default (files only)."""

from kgbuild.sinks.files import OUTPUT_FILES, write_output_folder, write_quarantine
from kgbuild.sinks.summary import RunSummary, render_markdown, render_text, summarise

__all__ = ["OUTPUT_FILES", "RunSummary", "render_markdown", "render_text", "summarise", "write_output_folder",
           "write_quarantine"]
