"""vzcrisis: the curation and release pipeline of venezuela-crisis (publisher side)."""
