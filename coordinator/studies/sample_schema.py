"""The sample types a study file declares: what is collected, in what unit, when, under which consent, and what
can be made from it. Checked when the file loads, so a typo fails there and not at the bench."""

from __future__ import annotations

from enum import Enum

from pydantic import BaseModel, ConfigDict, Field, model_validator

from coordinator.i18n import N_, _

TYPE_PATTERN = r"^[A-Z0-9][A-Z0-9_]*$"


class Specimen(str, Enum):
    """What is in the tube (SDTM BE/BS specimen type, in the coordinator's words)."""

    bone_marrow_aspirate = "bone_marrow_aspirate"
    peripheral_blood = "peripheral_blood"
    plasma = "plasma"
    serum = "serum"
    leukapheresis_product = "leukapheresis_product"
    msc_culture = "msc_culture"
    dli_dose = "dli_dose"
    nk_cell_product = "nk_cell_product"
    dna = "dna"

    @property
    def label(self) -> str:
        return _(_SPECIMEN_LABELS[self])


_SPECIMEN_LABELS = {
    Specimen.bone_marrow_aspirate: N_("bone marrow aspirate"),
    Specimen.peripheral_blood: N_("peripheral blood"),
    Specimen.plasma: N_("plasma"),
    Specimen.serum: N_("serum"),
    Specimen.leukapheresis_product: N_("leukapheresis product"),
    Specimen.msc_culture: N_("mesenchymal stromal cell culture"),
    Specimen.dli_dose: N_("donor lymphocyte infusion dose"),
    Specimen.nk_cell_product: N_("NK-cell product"),
    Specimen.dna: N_("DNA"),
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CellDose(_Strict):
    """A cell product dosed per kilogram of the recipient: the count of `marker` cells over the weight."""

    marker: str = Field(min_length=1)  # CD3+ for a DLI, CD56+CD3- for an NK-cell product


class SampleType(_Strict):
    id: str = Field(pattern=TYPE_PATTERN, max_length=20)
    label: str = Field(min_length=1)
    specimen: Specimen
    unit: str = Field(min_length=1)  # the default unit of its volume or amount: mL, µL, mg
    timepoints: dict[str, str] = {}  # id -> label; empty: any time (a derivative takes its parent's)
    consent: str = Field(min_length=1)  # the consent scope that must cover its collection
    derivatives: list[str] = []  # the types that can be made from it
    dose: CellDose | None = None  # cell counts and dose per kg are recorded when it is made
    primary: bool = True  # collected from the participant; false: only made from another sample


class SamplePlan(_Strict):
    types: list[SampleType] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> SamplePlan:
        ids = [kind.id for kind in self.types]
        twice = sorted({kind for kind in ids if ids.count(kind) > 1})
        if twice:
            raise ValueError(f"sample types: {', '.join(twice)} appears twice")
        for kind in self.types:
            unknown = set(kind.derivatives) - set(ids)
            if unknown:
                raise ValueError(f"sample type {kind.id}: unknown derivative(s) {', '.join(sorted(unknown))}")
            if not kind.primary and not any(kind.id in other.derivatives for other in self.types):
                raise ValueError(f"sample type {kind.id} is not primary, and no type can make it")
        return self

    def type(self, type_id: str) -> SampleType | None:
        return next((kind for kind in self.types if kind.id == type_id), None)
