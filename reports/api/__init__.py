"""The read-only API under /api/v1/: trusts, quarters, completion, published results, a
trust's trend and the early warning, for programme staff and digital leads with a token."""
