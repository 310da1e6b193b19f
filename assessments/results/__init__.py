"""Results: the scoring rules, the disclosure rule and its releases, and the figures every
output prints."""
