"""Alembic environment: uses the connection handed over by db.migrate, or the URL of alembic.ini."""

from alembic import context
from sqlalchemy import create_engine

from db.tables import metadata

config = context.config


def _run(connection) -> None:  # noqa: ANN001
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        transaction_per_migration=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    with create_engine(config.get_main_option("sqlalchemy.url")).connect() as fresh:
        _run(fresh)
