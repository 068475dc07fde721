"""Sinks: where a built graph goes. `write_output_folder` is the embedded default (files only)."""

from kgbuild.sinks.files import OUTPUT_FILES, STORE_DIR, write_output_folder, write_quarantine
from kgbuild.sinks.state import CorpusState, folder_graph, load_state, save_state
from kgbuild.sinks.store import GraphStore, StoreError, StoreUpdate
from kgbuild.sinks.summary import RunSummary, render_markdown, render_text, summarise

__all__ = ["OUTPUT_FILES", "STORE_DIR", "CorpusState", "GraphStore", "RunSummary", "StoreError", "StoreUpdate",
           "folder_graph", "load_state", "render_markdown", "render_text", "save_state", "summarise",
           "write_output_folder", "write_quarantine"]
