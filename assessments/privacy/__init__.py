"""A person's data across the quarters: their own copy (subject access), erasure, and the
retention schedule."""
