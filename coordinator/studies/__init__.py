"""Studies are data: one file per study under resources/studies/, validated by a schema."""
