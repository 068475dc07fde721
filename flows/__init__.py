"""Prefect flows composing kgbuild's stage functions; no logic of their own lives here."""
