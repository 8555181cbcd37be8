"""The command line run in-process, as a user types it."""

from pathlib import Path

import pytest

from coordinator.cli.main import main


@pytest.fixture
def run(db_file: Path, capsys: pytest.CaptureFixture):
    def invoke(*arguments: str) -> tuple[int, str, str]:
        code = main([*arguments, "--db", str(db_file)])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return invoke
