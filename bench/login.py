"""Issue 7 budget: signing in, the password's argon2id hash verified included, under 0.5 s.

Times `sign_in` (read the account, verify the hash, reset the failure count and audit the sign-in in one
transaction) on a database of `--count` participants, and the hash verification alone for comparison.

Usage: .venv/bin/python bench/login.py [--count 10000] [--runs 15]
"""

from __future__ import annotations

import argparse

from common import (
    ACTOR,
    PASSWORD,
    fill_register,
    fresh_workspace,
    machine,
    median_seconds,
    ms,
    print_table,
    scratch,
    verdict,
)

from coordinator.security import passwords
from coordinator.security.permissions import NOBODY
from coordinator.security.signin import sign_in

BUDGET = 0.5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    print(machine())
    with scratch() as folder:
        path = folder / "bench.sqlite3"
        fresh_workspace(path).ctx.engine.dispose()
        fill_register(path, args.count)
        ctx = fresh_workspace(path).ctx
        stored = passwords.hash_password(PASSWORD)

        def login() -> None:
            ctx.user = NOBODY
            sign_in(ctx, ACTOR, PASSWORD)

        whole = median_seconds(login, args.runs)
        alone = median_seconds(lambda: passwords.matches(stored, PASSWORD), args.runs)
        ctx.engine.dispose()
    print_table(("what", "median", "budget"), [
        ("sign in (verify + audit)", ms(whole), f"{ms(BUDGET)} {verdict(whole < BUDGET)}"),
        ("argon2id verify alone", ms(alone), ""),
    ])


if __name__ == "__main__":
    main()
