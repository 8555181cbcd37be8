"""Which participants a batch of casebooks is for: a study, and optionally one arm, site or status of it. Apart from
the printing (no ReportLab here), so that the window builds one before the first print."""

from __future__ import annotations

from dataclasses import dataclass

from coordinator.participants.lifecycle import Status
from coordinator.participants.queries import ParticipantQuery


@dataclass(frozen=True)
class Selection:
    study: str
    arm: str | None = None
    site: int | None = None
    status: Status | None = None

    @property
    def query(self) -> ParticipantQuery:
        return ParticipantQuery(study=self.study.strip().upper(), arm=self.arm, site=self.site, status=self.status)

    def file_name(self) -> str:
        """The name offered for the batch: MILA-casebooks, MILA-AL-site-2-enrolled-casebooks."""
        parts = [self.study, self.arm, self.site and f"site-{self.site}",
                 self.status and self.status.value.replace(" ", "-")]
        return "-".join(str(part) for part in parts if part) + "-casebooks"
