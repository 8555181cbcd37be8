"""What every command-line test asserts of a run: it worked quietly, or it was refused in one clean line."""

from __future__ import annotations


def ok(run, *arguments: str) -> str:
    code, out, err = run(*arguments)
    assert (code, err) == (0, ""), err
    return out


def refused(run, *arguments: str, exit_code: int = 2) -> str:
    code, out, err = run(*arguments)
    assert code == exit_code, (out, err)
    assert out == "" and len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    return err
