"""Training the shipped extraction pipeline: `kgbuild train` rebuilds it from configs/ and ../shared/eval."""
