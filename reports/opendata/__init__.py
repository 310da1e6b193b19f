"""Open data: each quarter's national figures as CSV and JSON at stable addresses, without
signing in, every group of too few trusts suppressed."""
