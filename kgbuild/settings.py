"""The one settings object: defaults, overridable by `KGBUILD_*` environment variables and CLI flags."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, model_validator
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
    include_generic: bool = Field(False, description="keep generic entities (\"our model\", GPUs, \"large language "
                                                     "models\") as graph nodes too")
    neo4j_uri: str | None = Field(None, description="Bolt URI of the Neo4j database, e.g. bolt://127.0.0.1:7687")
    neo4j_user: str = Field("neo4j", description="Neo4j user name")
    # A SecretStr never shows its value in repr(), logs or Prefect artifacts.
    neo4j_password: SecretStr | None = Field(None, description="Neo4j password (or use neo4j_password_block)")
    neo4j_password_block: str | None = Field(None, description="name of a Prefect Secret block with the password")
    neo4j_database: str | None = Field(None, description="Neo4j database name (default: the server's default)")
    neo4j_batch_size: int = Field(500, ge=1, description="rows per UNWIND batch")
    neo4j_max_batch_bytes: int | None = Field(None, ge=256, description="cap on a batch's parameter size in bytes")
    neo4j_retry_seconds: float = Field(30.0, gt=0, description="how long the driver retries a failing transaction")
    lock_wait_seconds: float = Field(3600.0, ge=0, description="how long a run waits for another run into the same "
                                                               "output folder to finish")
    dask_address: str | None = Field(None, description="Dask scheduler (tcp://host:8786) to run extraction batches on")
    dask_workers: int | None = Field(None, ge=1, description="run extraction batches on a local Dask cluster of "
                                                            "this many worker processes")

    @model_validator(mode="after")
    def _one_way_to_scale_out(self) -> Settings:
        if self.dask_address and self.dask_workers:
            raise ValueError("dask_address and dask_workers exclude each other: a scheduler to connect to, or a "
                             "local cluster to start")
        # Dask worker processes are daemons, which may not start spaCy's worker processes.
        if (self.dask_address or self.dask_workers) and self.n_process > 1:
            raise ValueError("n_process > 1 cannot run on Dask workers: scale out with more Dask workers instead")
        return self

    def neo4j_secret(self) -> str | None:
        """The Neo4j password: from the environment, else from the named Prefect Secret block."""
        if self.neo4j_password is not None:
            return self.neo4j_password.get_secret_value()
        if self.neo4j_password_block:
            from prefect.blocks.system import Secret

            return str(Secret.load(self.neo4j_password_block).get())
        return None
