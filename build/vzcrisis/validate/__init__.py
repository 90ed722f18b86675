"""``vzcrisis validate``: per-record checks, cross-record checks and the two passes running them."""
