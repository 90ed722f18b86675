"""The release format, in one place: every reader and writer of a release goes through here.

* ``versions``  X.Y.Z versions: parsing, ordering, bumps, the major this SDK reads.
* ``manifest``  ``manifest.json``: reading, shape, sha256 of files, verifying a release.
* ``layout``    where a table's rows are (one Parquet file or Hive partitions) and the SQL that
  reads them with the columns this SDK knows (a column an older release lacks reads as the
  field's default, or null).
* ``arrow``     the Arrow (Parquet) schema of each table, derived from the row models.
* ``diff``      the record-level diff of two releases: the one definition of "changed"
  (``docs/release-format.md``), used by ``vc.diff`` and by the publisher's ``changes.json``.

Only ``arrow`` and ``diff`` import the pydantic models; opening a release needs neither.
"""
