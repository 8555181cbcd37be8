"""What a signature means, in the words printed beside it (21 CFR 11.50(a)(3)), and the statement signed."""

from __future__ import annotations

from enum import Enum

from coordinator.errors import InputError
from coordinator.i18n import N_, _


class Meaning(str, Enum):
    authorship = "authorship"
    review = "review"
    approval = "approval"
    responsibility = "responsibility"

    @property
    def label(self) -> str:
        """The meaning as printed with the signature."""
        return _(_LABELS[self])

    @property
    def sentence(self) -> str:
        """What the signer declares by choosing this meaning."""
        return _(_SENTENCES[self])


_LABELS = {
    Meaning.authorship: N_("authorship"),
    Meaning.review: N_("review"),
    Meaning.approval: N_("approval"),
    Meaning.responsibility: N_("responsibility"),
}

_SENTENCES = {
    Meaning.authorship: N_("I am the author of this record."),
    Meaning.review: N_("I have reviewed this record."),
    Meaning.approval: N_("I approve this record."),
    Meaning.responsibility: N_("I take responsibility for this record."),
}

MEANINGS: tuple[Meaning, ...] = tuple(Meaning)


def parse_meaning(text: str | Meaning | None) -> Meaning:
    """The meaning chosen; none or an unknown one is refused, naming the four."""
    if isinstance(text, Meaning):
        return text
    known = ", ".join(meaning.value for meaning in MEANINGS)
    cleaned = (text or "").strip().lower()
    if not cleaned:
        raise InputError(_("Choose what your signature means: {known}.").format(known=known), field="meaning")
    try:
        return Meaning(cleaned)
    except ValueError:
        raise InputError(_("{text} is not a meaning of a signature; use one of: {known}.").format(
            text=text, known=known), field="meaning") from None


def statement(printed_name: str) -> str:
    """The declaration shown where the password is typed (11.100(c), 11.200)."""
    return _("By signing I confirm that I am {name}, that I have read what I am signing, and that this electronic "
             "signature is the legally binding equivalent of my handwritten signature.").format(name=printed_name)
