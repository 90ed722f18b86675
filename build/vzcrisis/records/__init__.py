"""The curated record files: load (YAML / JSON Lines), write (round-trip YAML), quotes, schemas."""
