"""The case report forms of the study files: every study has them, every choice prints its code list, and a form
that names something the program does not know is refused when the file loads, with file, place and reason."""

import shutil
from pathlib import Path

import pytest
import yaml

from coordinator.crf.options import options
from coordinator.crf.vocabulary import SIGNATURES, ValueKind
from coordinator.paths import studies_dir
from coordinator.signatures.records import KINDS
from coordinator.studies.loader import LoadedStudy, StudyFileProblem, load_directory, load_file
from coordinator.studies.schema import StudyDefinition

FIVE = ["BLINA-MRD", "ELIT-AML01", "MILA", "NK-HSCT", "REL-ALL"]


def _definition(code: str) -> StudyDefinition:
    loaded = load_file(studies_dir() / f"{code}.yaml")
    assert isinstance(loaded, LoadedStudy), loaded
    return loaded.definition


def _fields(definition: StudyDefinition, form_id: str) -> dict[str, str]:
    """Field name -> value printed, over the sections of one form."""
    form = definition.crf.form(form_id)
    assert form is not None, f"{definition.short_name} has no form {form_id}"
    return {field.name: field.value for section in form.sections for field in section.fields}


def _records(definition: StudyDefinition, form_id: str) -> list[str]:
    return [section.record for section in definition.crf.form(form_id).sections]


# --- the five studies ---------------------------------------------------------------------------------------------


def test_the_five_studies_load_each_with_its_case_report_forms():
    loaded = load_directory(studies_dir())
    assert loaded.problems == []
    assert sorted(loaded.studies) == FIVE
    for code, study in loaded.studies.items():
        crf = study.definition.crf
        assert crf is not None, f"{code} has no crf section"
        signed = {form.id: form.signature for form in crf.forms if form.signature}
        assert signed == {"IC": "consent", "IE": "eligibility", "EOS": "casebook"}, code
        assert _records(study.definition, "IC")[0] == "consent"
        assert _records(study.definition, "IE") == ["eligibility", "criterion", "value"]
        assert "sample" in _records(study.definition, "BE")
        assert crf.form("DM").domain == "DM" and crf.form("IE").domain == "IE" and crf.form("BE").domain == "BE"


def test_each_study_records_what_its_design_asks():
    elit = _definition("ELIT-AML01")  # randomized: date, stratum, sequence and arm, in a DS form
    assert elit.crf.form("RAND").domain == "DS" and _records(elit, "RAND") == ["allocation"]
    assert set(_fields(elit, "RAND").values()) == {"randomized_on", "stratum", "sequence", "arm"}
    rel = _definition("REL-ALL")  # risk groups from data at the end of induction
    assert _records(rel, "RISK") == ["risk"]
    assert set(_fields(rel, "RISK").values()) == {"risk_group", "rule_version"}
    for code in ("NK-HSCT", "ELIT-AML01"):  # cell products dosed per kilogram of the recipient's weight
        assert "dose_per_kg" in _fields(_definition(code), "BE").values(), code
    for code in ("MILA", "REL-ALL", "BLINA-MRD", "NK-HSCT"):  # children: the child's assent has its column
        assert "assent" in _fields(_definition(code), "IC").values(), code
    assert "assent" not in _fields(elit, "IC").values()  # adults only
    for code in ("BLINA-MRD", "NK-HSCT", "REL-ALL"):  # no arm to choose: none printed on the forms
        assert "arm" not in _fields(_definition(code), "DM").values(), code


@pytest.mark.parametrize("code", FIVE)
def test_every_choice_of_every_form_prints_a_code_list(code):
    definition = _definition(code)
    choices = 0
    for form in definition.crf.forms:
        for section in form.sections:
            for field in section.fields:
                if section.kind.values[field.value] is ValueKind.choice:
                    listed = options(section.record, field.value, definition)
                    assert listed, f"{code} {form.id} {field.name}: an empty code list"
                    assert all(isinstance(label, str) and label for label in listed.values())
                    choices += 1
    assert choices >= 5


def test_a_choice_without_a_code_list_is_a_programming_error_not_an_empty_list():
    with pytest.raises(KeyError, match=r"subject\.code has no code list"):
        options("subject", "code", _definition("MILA"))


def test_the_signatures_a_form_may_print_are_the_records_that_can_be_signed():
    assert len(SIGNATURES) == len(set(SIGNATURES))
    assert set(SIGNATURES) == set(KINDS)


# --- a bad form is refused at load --------------------------------------------------------------------------------


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    copied = tmp_path / "studies"
    shutil.copytree(studies_dir(), copied)
    return copied


def _edit(folder: Path, code: str, old: str, new: str) -> Path:
    path = folder / f"{code}.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not once in {path.name}"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def _refused(path: Path) -> StudyFileProblem:
    result = load_file(path)
    assert isinstance(result, list), f"{path.name} loaded although it is wrong"
    [problem] = result
    assert problem.file == path.name
    return problem


def test_the_copied_files_load_before_they_are_broken(folder):
    for code in FIVE:
        assert isinstance(load_file(folder / f"{code}.yaml"), LoadedStudy), code


@pytest.mark.parametrize(
    ("code", "old", "new", "where", "reason"),
    [
        ("MILA", "{name: LBDAT, label: Date, value: measured_on}", "{name: LBDAT, label: Date, value: measured_at}",
         "form IE, section Source values, field LBDAT", "value has no value measured_at; it has item, label"),
        ("MILA", "          record: sample\n", "          record: specimen\n",
         "form BE, section Samples collected and made (MSC culture)", "unknown record specimen; use one of subject"),
        ("MILA", "{name: DSDOCVER, label: Form version, value: document_version, sponsor_defined: true}",
         "{name: DSDOCVER, label: Form version, value: document_version}",
         "form IC, section Consent and assent signatures (DSDECOD INFORMED CONSENT OBTAINED), field DSDOCVER",
         "not a CDASH name of DS; mark it sponsor_defined"),
        ("REL-ALL", "{name: BRTHYY, label: Year of birth, value: birth_year}",
         "{name: LBORRES, label: Year of birth, value: birth_year}", "form DM, section Participant, field LBORRES",
         "not a CDASH name of DM"),
        ("ELIT-AML01", "    - id: RAND\n", "    - id: IE\n", "crf forms", "IE appears twice"),
        ("NK-HSCT", "{name: AGE, label: Age at registration (years), value: age}",
         "{name: SEX, label: Age at registration (years), value: age}", "form DM, section Participant",
         "SEX appears twice"),
        ("BLINA-MRD", "      signature: casebook\n", "      signature: allocation\n", "form EOS",
         "signature must be one of consent, eligibility, casebook, paper"),
    ],
    ids=["unknown-value", "unknown-record", "not-sponsor-defined", "name-of-another-domain", "form-id-twice",
         "field-name-twice", "signature-not-signable"],
)
def test_a_form_naming_what_does_not_exist_is_refused_with_file_place_and_reason(folder, code, old, new, where,
                                                                                   reason):
    problem = _refused(_edit(folder, code, old, new))
    assert f"{where}: {reason}" in str(problem)
    assert str(problem).startswith(f"{code}.yaml: ")


@pytest.mark.parametrize("name", ["subjid", "Subjid", "SUBJIDENT", "1SUBJID", "S"])
def test_a_field_name_that_is_not_a_sas_name_is_refused_with_its_field_path(folder, name):
    problem = _refused(_edit(folder, "MILA", "{name: SUBJID, label: Participant code, value: code}",
                             f"{{name: {name}, label: Participant code, value: code}}"))
    assert problem.field == "crf, forms, item 1, sections, item 1, fields, item 1, name"
    assert "should match pattern" in problem.reason


def test_a_criterion_record_in_a_study_without_eligibility_is_refused(folder):
    """NK-HSCT without its eligibility section (nothing else reads it), and a form that lists the criteria."""
    path = folder / "NK-HSCT.yaml"
    study = yaml.safe_load(path.read_text(encoding="utf-8"))
    del study["eligibility"]
    study["crf"]["forms"] = [{"id": "IE", "title": "Eligibility", "domain": "IE", "sections": [
        {"title": "Criteria", "record": "criterion", "fields": [{"name": "IETESTCD", "label": "Criterion",
                                                                 "value": "id"}]}]}]
    path.write_text(yaml.safe_dump(study, allow_unicode=True), encoding="utf-8")
    problem = _refused(path)
    assert "form IE, section Criteria: the record criterion needs" in str(problem)
    assert "eligibility section in the study file" in problem.reason
    study["crf"]["forms"][0]["sections"][0].update(record="subject", title="Participant")
    study["crf"]["forms"][0].update(id="DM", domain="DM")
    study["crf"]["forms"][0]["sections"][0]["fields"] = [{"name": "SUBJID", "label": "Code", "value": "code"}]
    path.write_text(yaml.safe_dump(study, allow_unicode=True), encoding="utf-8")
    assert isinstance(load_file(path), LoadedStudy)  # the same file with a form it can fill loads


def test_a_study_file_without_a_crf_section_still_loads(folder):
    path = folder / "MILA.yaml"
    study = yaml.safe_load(path.read_text(encoding="utf-8"))
    del study["crf"]
    path.write_text(yaml.safe_dump(study, allow_unicode=True), encoding="utf-8")
    loaded = load_file(path)
    assert isinstance(loaded, LoadedStudy) and loaded.definition.crf is None


@pytest.mark.parametrize(
    ("old", "new", "reason"),
    [("    - id: DM\n", "    - id: COVER\n", "form COVER: the name is taken by the casebook's cover"),
     ('crf:\n  version: "1.0"\n', 'crf:\n  version: "1|0"\n', "should match pattern"),
     ("{name: BRTHYY, label: Year of birth, value: birth_year}", '{name: BRTHYY, label: "   ", value: birth_year}',
      "at least 1 character")],
    ids=["the cover's name", "a version that would break the page code", "a label of spaces"])
def test_what_would_break_the_printed_pages_is_refused_at_load(folder, old, new, reason):
    assert reason in str(_refused(_edit(folder, "MILA", old, new)))
