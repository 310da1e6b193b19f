"""The national view: completion, the comparison, a trust's quarters and trend, and every
closed paper of a quarter in one ZIP."""
