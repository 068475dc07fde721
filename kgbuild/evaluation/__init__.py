"""Gold data and measurement: readers for the shared gold sets, `kgbuild eval`, docs/quality.md."""
