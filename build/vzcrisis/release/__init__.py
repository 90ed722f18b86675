"""``vzcrisis release`` / ``verify``: an immutable release (Parquet, SQLite, docs) and its check."""
