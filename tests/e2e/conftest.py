"""The command line run in-process, as a user types it."""

from pathlib import Path

import pytest

from coordinator.cli.main import main


@pytest.fixture
def run(tester_db: Path, capsys: pytest.CaptureFixture, signed_in_env: None):
    """Commands on the test's database, signed in as the tester (COORDINATOR_USER and COORDINATOR_PASSWORD)."""
    db_file = tester_db

    def invoke(*arguments: str) -> tuple[int, str, str]:
        code = main([*arguments, "--db", str(db_file)])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return invoke
