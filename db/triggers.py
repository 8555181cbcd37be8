"""Rules the database itself enforces, whatever program writes to it: used by the migration scripts."""

from __future__ import annotations

from alembic import op


def refuse(table: str, actions: tuple[str, ...], message: str, *, name: str | None = None,
           columns: tuple[str, ...] = (), when: str | None = None) -> None:
    """Make the database refuse some statements on a table: `columns` limits an UPDATE to those columns,
    `when` (SQL over OLD and NEW) to some rows."""
    dialect = op.get_bind().dialect.name
    of = f" OF {', '.join(columns)}" if columns else ""
    if dialect == "sqlite":
        condition = f" WHEN {when}" if when else ""
        for action in actions:
            trigger = name or f"{table}_no_{action.lower()}"
            op.execute(
                f"CREATE TRIGGER {trigger} BEFORE {action}{of} ON {table}{condition} "
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
            )
    elif dialect == "postgresql":
        trigger = name or f"{table}_refuse"
        condition = f" WHEN ({when})" if when else ""
        op.execute(
            f"CREATE FUNCTION {trigger}() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{message}'; END $$"
        )
        op.execute(
            f"CREATE TRIGGER {trigger} BEFORE {' OR '.join(actions)}{of} ON {table} "
            f"FOR EACH ROW{condition} EXECUTE FUNCTION {trigger}()"
        )
