"""Persistence: tables, engine and migrations. Knows nothing of coordinator/ or ui/."""
