"""Two processes registering at once: codes stay unique, with no gaps."""

import json
import subprocess
import sys
from pathlib import Path

from coordinator.participants.queries import ParticipantQuery, list_participants
from coordinator.workspace import open_workspace

WORKER = """
import sys
from coordinator.participants.register import Registration, register
from coordinator.workspace import open_workspace
from tests.accounts import TESTER, act_as
workspace = open_workspace(sys.argv[1])
act_as(workspace.ctx, TESTER)
sys.stdin.readline()  # start together
for _ in range(int(sys.argv[3])):
    print(register(workspace.ctx, Registration("NK-HSCT", 1, "2015-05-05", "F")).code, flush=True)
"""

EACH = 40


OPENER = """
import json, sys
from coordinator.studies import catalogue
from coordinator.workspace import open_workspace
workspace = open_workspace(sys.argv[1])
print(json.dumps([study.code for study in catalogue.summaries(workspace.ctx)]))
"""


def test_two_processes_registering_at_once_get_unique_gapless_codes(tester_db: Path):
    db_file = tester_db
    workers = [
        subprocess.Popen([sys.executable, "-c", WORKER, str(db_file), f"worker{n}", str(EACH)],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for n in (1, 2)
    ]
    for worker in workers:
        worker.stdin.write("go\n")
        worker.stdin.flush()
    outputs = [worker.communicate(timeout=120) for worker in workers]
    assert [worker.returncode for worker in workers] == [0, 0], [err for _out, err in outputs]
    codes = [line for out, _err in outputs for line in out.split()]
    assert sorted(codes) == [f"NK-HSCT-01-{n:04d}" for n in range(1, 2 * EACH + 1)]
    assert all(len(out.split()) == EACH for out, _err in outputs)
    workspace = open_workspace(str(db_file))
    assert len(list_participants(workspace.ctx.as_program(), ParticipantQuery(study="NK-HSCT"))) == 2 * EACH
    workspace.ctx.engine.dispose()


def test_several_programs_opening_a_new_database_at_once_all_succeed(tmp_path: Path):
    """Four programs started together on a file that does not exist yet: one migrates, the others wait."""
    for attempt in range(3):
        database = tmp_path / f"new{attempt}.sqlite3"
        openers = [subprocess.Popen([sys.executable, "-c", OPENER, str(database)], stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True) for _ in range(4)]
        results = [opener.communicate(timeout=120) for opener in openers]
        assert [opener.returncode for opener in openers] == [0] * 4, [err for _out, err in results]
        assert {len(json.loads(out)) for out, _err in results} == {5}
