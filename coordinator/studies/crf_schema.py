"""The case report forms a study file declares: forms, their sections, and fields named after CDISC CDASH, each
printing one value the database holds. Checked when the file loads: an unknown value, a name outside its domain
or a form that reads a part the study does not have fails there, not at the printer."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from coordinator.crf.vocabulary import DOMAINS, PAPER, RECORDS, SIGNATURES, RecordKind

NAME_PATTERN = r"^[A-Z][A-Z0-9]{1,7}$"  # SAS names, as CDISC variables are
FORM_PATTERN = r"^[A-Z][A-Z0-9_]{0,11}$"


VERSION_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"  # printed in headers and page QR codes: no separator in it
RESERVED_FORMS = ("COVER",)  # the casebook's own cover page


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class CrfField(_Strict):
    name: str = Field(pattern=NAME_PATTERN)  # the CDASH variable, e.g. BRTHYY
    label: str = Field(min_length=1)  # the question as the protocol asks it
    value: str = Field(min_length=1)  # which value of the section's record it prints
    sponsor_defined: bool = False  # a name the study defines, where CDASH has none


class CrfSection(_Strict):
    title: str = Field(min_length=1)
    record: str  # one of coordinator.crf.vocabulary.RECORDS
    domain: str | None = None  # default: the form's
    note: str | None = None  # printed under the title: an instruction to whoever fills it in
    fields: list[CrfField] = Field(min_length=1)
    blank_rows: int = Field(default=6, ge=1, le=40)  # empty lines of a repeating record on a blank form

    @property
    def kind(self) -> RecordKind:
        return RECORDS[self.record]


class CrfForm(_Strict):
    id: str = Field(pattern=FORM_PATTERN)
    title: str = Field(min_length=1)
    domain: str
    version: str | None = Field(default=None, pattern=VERSION_PATTERN)  # default: the version of the whole set
    sections: list[CrfSection] = Field(min_length=1)
    signature: str | None = None  # the signed record whose signatures it prints, or "paper"

    def domain_of(self, section: CrfSection) -> str:
        return section.domain or self.domain


class CaseReportForms(_Strict):
    version: str = Field(pattern=VERSION_PATTERN)
    forms: list[CrfForm] = Field(min_length=1)

    def form(self, form_id: str) -> CrfForm | None:
        return next((form for form in self.forms if form.id == form_id), None)

    def version_of(self, form: CrfForm) -> str:
        return form.version or self.version


def check_forms(forms: CaseReportForms, has: set[str]) -> None:
    """Every name a form uses must exist; `has` names the parts of the study file present (eligibility,
    samples, randomization, risk). Raises ValueError naming the form, section and field."""
    _unique("crf forms", [form.id for form in forms.forms])
    for form in forms.forms:
        if form.id in RESERVED_FORMS:
            raise ValueError(f"form {form.id}: the name is taken by the casebook's cover; choose another")
        if form.signature is not None and form.signature not in (*SIGNATURES, PAPER):
            raise ValueError(f"form {form.id}: signature must be one of {', '.join((*SIGNATURES, PAPER))}")
        for section in form.sections:
            where = f"form {form.id}, section {section.title}"
            kind = RECORDS.get(section.record)
            if kind is None:
                raise ValueError(f"{where}: unknown record {section.record}; use one of {', '.join(RECORDS)}")
            if kind.needs is not None and kind.needs not in has:
                raise ValueError(f"{where}: the record {section.record} needs a {kind.needs} section in the "
                                 f"study file")
            domain = form.domain_of(section)
            if domain not in DOMAINS:
                raise ValueError(f"{where}: unknown domain {domain}; use one of {', '.join(DOMAINS)}")
            _unique(where, [field.name for field in section.fields])
            for field in section.fields:
                if field.value not in kind.values:
                    raise ValueError(f"{where}, field {field.name}: {section.record} has no value {field.value}; "
                                     f"it has {', '.join(kind.values)}")
                if not field.sponsor_defined and field.name not in DOMAINS[domain]:
                    raise ValueError(f"{where}, field {field.name}: not a CDASH name of {domain}; mark it "
                                     f"sponsor_defined if the study defines it")


def _unique(what: str, values: list[str]) -> None:
    twice = sorted({value for value in values if values.count(value) > 1})
    if twice:
        raise ValueError(f"{what}: {', '.join(twice)} appears twice")
