"""The curator's workflow: add-source, cite, draft, review, status."""
