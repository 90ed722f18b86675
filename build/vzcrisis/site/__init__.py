"""The Datasette site: the release's SQLite database, its metadata, canned queries and serving."""
