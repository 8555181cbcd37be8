"""Studies are data: the five seed files load, a bad file is refused with file, field and reason."""

import shutil
from pathlib import Path

import pytest

from coordinator.participants.queries import get_participant
from coordinator.participants.register import Registration, register
from coordinator.paths import studies_dir
from coordinator.studies import catalogue
from coordinator.studies.loader import load_directory
from coordinator.workspace import open_workspace
from tests.accounts import TESTER, act_as, make_tester

FIVE = ["BLINA-MRD", "ELIT-AML01", "MILA", "NK-HSCT", "REL-ALL"]


@pytest.fixture
def study_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "studies"
    shutil.copytree(studies_dir(), folder)
    return folder


def test_the_five_seed_studies_load_without_problems():
    loaded = load_directory(studies_dir())
    assert sorted(loaded.studies) == FIVE
    assert loaded.problems == []
    mila = loaded.studies["MILA"].definition
    assert [arm.label for arm in mila.arms] == ["Acute leukemia", "Control"]
    assert (mila.age.minimum, mila.age.maximum, mila.target_enrollment, mila.jurisdiction) == (1, 15, 40, "FR")
    elit = loaded.studies["ELIT-AML01"].definition
    assert elit.design.allocation.value == "randomized" and elit.design.allocation_ratio == [1, 1]
    rel = loaded.studies["REL-ALL"].definition
    assert (rel.age.minimum, rel.age.maximum, rel.age.reference) == (1, 22, "relapse")
    assert "<= 1" in rel.age.registry_text
    assert loaded.studies["BLINA-MRD"].definition.age.maximum == 17
    assert loaded.studies["NK-HSCT"].definition.country == "NL"
    dli = elit.samples.type("DLI")
    assert dli.dose.marker == "CD3+" and not dli.primary and elit.samples.type("LEUKA").derivatives == ["DLI"]
    assert mila.samples.type("BMA").timepoints["DIAG"] == "At diagnosis (before treatment)"


def _replace(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("old", "new", "field", "reason"),
    [
        ("    label: Control\n", "", "arms, item 2, label", "is required but missing"),
        ("target_enrollment: 40", "target_enrollment: -3", "target_enrollment", "greater than or equal to 1"),
        ("  minimum: 1\n  maximum: 15", "  minimum: 16\n  maximum: 15", "age", "minimum age is above"),
        ("country: FR", "country: France", "country", "should match pattern"),
        ("  - code: CONTROL", "  - code: AL", "", "arms: AL appears twice"),
        ("short_name: MILA", "short_name: MILA2", "short_name", "does not match the file name"),
        ("arms:\n", "arms: [\n", "line", "is not valid YAML"),
        ("effective: 2023-03-01", "effective: 2023-02-30", "", "impossible date: day is out of range"),
        ("effective: 2023-03-01", "effective: 1 March", "consent, documents, item 1, effective", "valid date"),
        ("language: fr, effective: 2023-03-01", "language: French, effective: 2023-03-01",
         "consent, documents, item 1, language", "should match pattern"),
        ("  assent: {from_age: 7}", "  assent: {from_age: -1}", "consent, assent, from_age", "greater than or equal"),
        ("derivatives: [MSC]", "derivatives: [MSK]", "samples", "unknown derivative(s) MSK"),
        ("specimen: msc_culture", "specimen: stem cells", "samples, types, item 2, specimen", "Input should be"),
        ("effective: 2023-03-01, covers: [samples]", "effective: 2023-03-01, covers: [genetics]", "consent",
         "unknown scope(s) genetics"),
        ("effective: 2023-03-01, covers: [samples]", "effective: 2023-03-01", "", "no consent document covers"),
        ("       primary: false}", "       primary: false, derivatives: []}\n    - {id: MSC, label: x, "
         "specimen: dna, unit: mL, consent: samples}", "samples", "MSC appears twice"),
    ],
)
def test_a_bad_file_is_refused_with_file_field_and_reason_and_the_others_load(study_folder, old, new, field, reason):
    _replace(study_folder, "MILA.yaml", old, new)
    loaded = load_directory(study_folder)
    assert sorted(loaded.studies) == [code for code in FIVE if code != "MILA"]
    [problem] = loaded.problems
    assert problem.file == "MILA.yaml"
    assert problem.field.startswith(field)
    assert reason in problem.reason
    assert str(problem).startswith("MILA.yaml")


def test_every_problem_of_a_file_is_reported(study_folder):
    _replace(study_folder, "MILA.yaml", "title: Study", "titel: Study")
    problems = load_directory(study_folder).problems
    assert {(p.field, p.reason) for p in problems} == {
        ("title", "is required but missing"), ("titel", "is not a known field (check its spelling)")}


def test_a_randomized_design_needs_a_ratio_per_arm(study_folder):
    _replace(study_folder, "ELIT-AML01.yaml", "allocation_ratio: [1, 1]", "allocation_ratio: [1]")
    [problem] = load_directory(study_folder).problems
    assert "allocation_ratio with one whole number per arm" in problem.reason


@pytest.mark.parametrize("sizes", ["[0, 4]", "[-2]"])
def test_a_block_size_below_one_is_refused_when_the_file_loads(study_folder, sizes):
    _replace(study_folder, "ELIT-AML01.yaml", "block_sizes: [2, 4]", f"block_sizes: {sizes}")
    loaded = load_directory(study_folder)
    [problem] = loaded.problems
    assert problem.file == "ELIT-AML01.yaml" and problem.field.startswith("randomization, block_sizes")
    assert "ELIT-AML01" not in loaded.studies


def test_a_changed_file_makes_a_new_version_and_participants_keep_theirs(study_folder, db_file, clock):
    first = open_workspace(str(db_file), studies=study_folder, clock=clock)
    assert sorted(code for code, version in first.new_versions) == FIVE
    make_tester(first.ctx)
    code = register(first.ctx, Registration("MILA", 1, "2018-03-04", "F")).code
    first.ctx.engine.dispose()

    # a comment or a reformatting is not a new version
    _replace(study_folder, "MILA.yaml", "short_name: MILA", "# reviewed\nshort_name:   MILA")
    again = open_workspace(str(db_file), studies=study_folder, clock=clock)
    assert again.new_versions == []
    again.ctx.engine.dispose()

    _replace(study_folder, "MILA.yaml", "target_enrollment: 40", "target_enrollment: 60")
    changed = open_workspace(str(db_file), studies=study_folder, clock=clock)
    assert changed.new_versions == [("MILA", 2)]
    act_as(changed.ctx, TESTER)
    assert catalogue.current(changed.ctx, "MILA").definition.target_enrollment == 60
    kept = get_participant(changed.ctx, code)
    assert (kept.study_version, kept.definition.target_enrollment) == (1, 40)
    newcomer = register(changed.ctx, Registration("MILA", 1, "2018-03-04", "M")).code
    assert get_participant(changed.ctx, newcomer).study_version == 2
    changed.ctx.engine.dispose()


def test_a_study_whose_file_turns_bad_keeps_its_last_good_version(study_folder, db_file, clock):
    open_workspace(str(db_file), studies=study_folder, clock=clock).ctx.engine.dispose()
    _replace(study_folder, "MILA.yaml", "    label: Control\n", "")
    broken = open_workspace(str(db_file), studies=study_folder, clock=clock)
    assert [p.file for p in broken.study_problems] == ["MILA.yaml"]
    assert catalogue.current(broken.ctx, "MILA").version == 1
    assert [s.code for s in catalogue.summaries(broken.ctx)] == FIVE
    broken.ctx.engine.dispose()
