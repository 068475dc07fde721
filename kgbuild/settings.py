"""The one settings object: defaults, overridable by `KGBUILD_*` environment variables and CLI flags."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KGBUILD_", frozen=True)

    pipeline: str = Field("kgbuild_sci", description="built-in pipeline name or path of a saved spaCy pipeline")
    batch_size: int = Field(64, ge=1, description="papers per extraction task")
    n_process: int = Field(1, ge=1, description="processes spaCy uses inside one extraction call")
    input_format: str | None = Field(None, description="force one input format instead of detecting it")
    title_field: str | None = Field(None, description="JSONL/CSV key holding the title")
    abstract_field: str | None = Field(None, description="JSONL/CSV key holding the abstract")
    id_field: str | None = Field(None, description="JSONL/CSV key holding the paper id")
    aliases_file: Path | None = Field(None, description="curated alias file (YAML or CSV) applied on every run")
