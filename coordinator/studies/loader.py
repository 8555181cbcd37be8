"""Read and validate the study files. A bad file is reported (file, field, reason); the others still load."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import ValidationError

from coordinator.i18n import _
from coordinator.studies.schema import StudyDefinition

SUFFIXES = (".yaml", ".yml")
# libyaml's parser (in PyYAML's wheels) reads the study files at every start about ten times faster.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class StudyFileProblem:
    file: str
    field: str
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.field}" if self.field else self.file
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class LoadedStudy:
    definition: StudyDefinition
    source_file: str
    content_sha256: str
    definition_json: str


@dataclass
class LoadedStudies:
    studies: dict[str, LoadedStudy] = field(default_factory=dict)
    problems: list[StudyFileProblem] = field(default_factory=list)


def canonical_json(definition: StudyDefinition) -> str:
    """The definition as stored in the database; its hash decides whether a file change is a new version."""
    return json.dumps(definition.model_dump(mode="json"), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def load_directory(directory: Path) -> LoadedStudies:
    loaded = LoadedStudies()
    files = sorted(path for path in directory.iterdir() if path.suffix in SUFFIXES) if directory.is_dir() else []
    for path in files:
        result = load_file(path)
        if isinstance(result, list):
            loaded.problems.extend(result)
        elif result.definition.short_name in loaded.studies:
            other = loaded.studies[result.definition.short_name].source_file
            loaded.problems.append(StudyFileProblem(
                path.name, "short_name", _("the study {code} is already defined in {other}").format(
                    code=result.definition.short_name, other=other)))
        else:
            loaded.studies[result.definition.short_name] = result
    return loaded


def load_file(path: Path) -> LoadedStudy | list[StudyFileProblem]:
    """The validated study, or every problem found in the file."""
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)
    except OSError as error:
        return [StudyFileProblem(path.name, "", _("cannot be read: {reason}").format(reason=error.strerror))]
    except UnicodeDecodeError:
        return [StudyFileProblem(path.name, "", _("is not UTF-8 text"))]
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = _("line {line}").format(line=mark.line + 1) if mark else ""
        return [StudyFileProblem(path.name, where, _("is not valid YAML: {reason}").format(
            reason=getattr(error, "problem", None) or error))]
    except ValueError as error:  # PyYAML builds dates itself: 2023-02-30 fails there, not in the schema
        return [StudyFileProblem(path.name, "", _("holds an impossible date: {reason}").format(reason=error))]
    if not isinstance(raw, dict):
        return [StudyFileProblem(path.name, "", _("must hold a study definition (a mapping of fields)"))]
    try:
        definition = StudyDefinition.model_validate(raw)
    except ValidationError as error:
        return [StudyFileProblem(path.name, field_path(e["loc"]), _reason(e)) for e in error.errors()]
    if definition.short_name != path.stem:
        return [StudyFileProblem(path.name, "short_name", _(
            "the short name {code} does not match the file name (expected {stem})").format(
                code=definition.short_name, stem=path.stem))]
    text = canonical_json(definition)
    return LoadedStudy(definition, path.name, hashlib.sha256(text.encode("utf-8")).hexdigest(), text)


def field_path(location: tuple[int | str, ...]) -> str:
    """('arms', 2, 'label') -> 'arms, item 3, label': items are counted from 1, as a person counts."""
    parts = [_("item {n}").format(n=part + 1) if isinstance(part, int) else str(part) for part in location]
    return ", ".join(parts)


def _reason(error: dict) -> str:
    if error["type"] == "missing":
        return _("is required but missing")
    if error["type"] == "extra_forbidden":
        return _("is not a known field (check its spelling)")
    message = str(error["msg"])
    return message.removeprefix("Value error, ")
