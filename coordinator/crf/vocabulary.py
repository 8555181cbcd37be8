"""What a CRF field can print: the records the database holds about a participant, the values each one has and
their kind, and the CDISC names a field may carry. Plain data, read when a study file loads (a field that names
an unknown value fails there) and when a form is filled or printed."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class ValueKind(str, Enum):
    text = "text"
    date = "date"  # printed DD/MMM/YYYY, the CDASH date format
    time = "time"  # HH:MM
    number = "number"
    choice = "choice"  # one of a code list, printed with every option
    yes_no = "yes_no"


@dataclass(frozen=True)
class RecordKind:
    """One kind of record: once per participant (`repeating` False) or any number of times (a table row each).
    `listed`: the rows come from the study file (every criterion, every item), filled or not."""

    name: str
    repeating: bool
    values: dict[str, ValueKind]
    listed: bool = False
    needs: str | None = None  # the part of the study file it reads: eligibility, samples, randomization


T, D, H, N, C, Y = (ValueKind.text, ValueKind.date, ValueKind.time, ValueKind.number, ValueKind.choice,
                    ValueKind.yes_no)

RECORDS: dict[str, RecordKind] = {kind.name: kind for kind in (
    RecordKind("subject", False, {
        "study": T, "site": C, "code": T, "registered_on": D, "birth_year": N, "age": N, "age_unit": T, "sex": C,
        "status": C, "status_date": D, "arm": C, "enrolled_on": D, "ended_on": D}),
    RecordKind("consent", True, {
        "episode": N, "role": C, "signed_on": D, "signed_time": H, "document": T, "document_version": T,
        "obtained_by": T, "assent": C, "exception": C}),
    RecordKind("withdrawal", True, {
        "withdrawn_on": D, "by_role": C, "stop_follow_up": Y, "stop_data_use": Y, "destroy_samples": Y}),
    RecordKind("eligibility", False, {
        "decision": C, "confirmed_on": D, "confirmed_by": T, "criteria_not_met": T, "study_version": N, "current": Y},
        needs="eligibility"),
    RecordKind("criterion", True, {
        "id": T, "category": C, "text": T, "stage": C, "result": C, "reason": T},
        listed=True, needs="eligibility"),
    RecordKind("value", True, {
        "item": T, "label": T, "value": T, "unit": T, "uln": N, "measured_on": D, "source": T},
        listed=True, needs="eligibility"),
    RecordKind("allocation", False, {
        "randomized_on": D, "stratum": T, "sequence": N, "arm": C}, needs="randomization"),
    RecordKind("risk", False, {"risk_group": C, "rule_version": T}, needs="risk"),
    RecordKind("sample", True, {
        "id": T, "type": C, "parent": T, "level": N, "timepoint": T, "collected_on": D, "collected_time": H,
        "quantity": N, "unit": T, "status": C, "location": T, "dose_per_kg": T}, needs="samples"),
)}

SIGNATURES = ("consent", "eligibility", "casebook")  # the signable records (coordinator.signatures.records.KINDS)
PAPER = "paper"  # a form signed on paper only: a box to sign, and no electronic signature to print

# Variable names per domain: CDASH 2.1 where it names the collected field; for biospecimens, which CDASH leaves
# to SDTM, the BE/BS/RELSPEC names. A field may carry a sponsor-defined name instead, if the study file says so.
_COMMON = ("STUDYID", "SITEID", "SUBJID", "VISIT", "VISDAT")
DOMAINS: dict[str, frozenset[str]] = {domain: frozenset(_COMMON + names) for domain, names in {
    "DM": ("BRTHDAT", "BRTHDD", "BRTHMO", "BRTHYY", "BRTHTIM", "AGE", "AGEU", "DMDAT", "SEX", "ETHNIC", "CETHNIC",
           "RACE", "CRACE", "RACEOTH"),
    "DS": ("DSCAT", "DSSCAT", "EPOCH", "DSDECOD", "DSTERM", "DSSTDAT", "DSSTTIM", "DTHDAT", "DSUNBLND", "DSCONT",
           "DSNEXT"),
    "IE": ("IEYN", "IEDAT", "IECAT", "IESCAT", "IETESTCD", "IETEST", "IEORRES"),
    "LB": ("LBPERF", "LBDAT", "LBTIM", "LBCAT", "LBSCAT", "LBTPT", "LBTESTCD", "LBTEST", "LBORRES", "LBORRESU",
           "LBORNRLO", "LBORNRHI", "LBNRIND", "LBCLSIG", "LBNAM", "LBMETHOD", "LBSPCCND"),
    "BE": ("BEREFID", "BETERM", "BEDECOD", "BECAT", "BESTDAT", "BESTTIM", "SPEC", "PARENT", "LEVEL", "BSORRES",
           "BSORRESU", "BSTEST"),
}.items()}
