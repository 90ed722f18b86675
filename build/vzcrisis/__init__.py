"""vzcrisis: the curation and release pipeline of venezuela-crisis (publisher side).

Rooms, one per pipeline stage:

- ``records``: the curated record files: load, write, quotes, JSON Schemas.
- ``validate``: ``vzcrisis validate``: per-record checks, cross-record checks, two passes.
- ``release``: ``vzcrisis release`` / ``verify``: Parquet, manifest, changes, codebook, datapackage.
- ``site``: the Datasette site: SQLite database, metadata, canned queries, templates, serving.
- ``curate``: the curator's workflow: add-source, cite, draft, review, status.
- ``synth``: deterministic synthetic corpora for scale tests.
- ``cli``: the ``vzcrisis`` command line (thin typer commands over the rooms).
- ``progress``: the progress display shared by validate and release.
"""
