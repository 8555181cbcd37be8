"""`coordinator`: window options open the window; any other word is a command, even a mistyped one."""

import pytest

from ui.launcher import main, wants_window


@pytest.mark.parametrize(
    ("arguments", "window"),
    [
        ([], True),
        (["--db", "trial.sqlite3"], True),
        (["--db", "studies"], True),  # a database file that happens to be named like a command
        (["--screenshot", "x.png", "--language", "fr"], True),
        (["studies"], False),
        (["studis"], False),
        (["--db", "x.sqlite3", "participants"], False),
        (["--help"], False),
    ],
)
def test_wants_window(arguments, window):
    assert wants_window(arguments) is window


def test_a_mistyped_command_is_refused_on_the_command_line(capsys: pytest.CaptureFixture):
    assert main(["studis"]) == 2
    err = capsys.readouterr().err
    assert "invalid choice: 'studis'" in err and len(err.strip().splitlines()) == 1
