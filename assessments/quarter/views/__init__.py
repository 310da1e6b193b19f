"""The pages for running the quarter."""
