"""What an import reports: its one clear failure, its summary, its result."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path


class ImportFailure(Exception):
    """One clear message; nothing was written."""


@dataclass
class Summary:
    changed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    notes_added: list[str] = field(default_factory=list)
    notes_removed: list[str] = field(default_factory=list)
    notes_rekeyed: list[str] = field(default_factory=list)
    references_kept: int = 0
    references_lost: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    translations_differ: list[str] = field(default_factory=list)
    merged_from_yaml: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # edits the YAML of this language has no place for

    @property
    def structural(self) -> bool:
        return bool(self.added or self.deleted or self.notes_added or self.notes_removed)

    def lines(self) -> list[str]:
        out = [f"paragraphs: {len(self.changed)} changed, {len(self.added)} added, {len(self.deleted)} deleted"]
        for label, items in (("changed", self.changed), ("added", self.added), ("deleted", self.deleted)):
            out += [f"  {label}: {x}" for x in items]
        out.append(f"footnotes: {len(self.notes_added)} added (new keys), {len(self.notes_removed)} removed, "
                   f"{len(self.notes_rekeyed)} matched to their key by similar text")
        out += [f"  added: {x}" for x in self.notes_added] + [f"  removed: {x}" for x in self.notes_removed]
        out += [f"  matched: {x}" for x in self.notes_rekeyed]
        out.append(f"references: {self.references_kept} kept, {len(self.references_lost)} lost")
        out += [f"  lost: {x}" for x in self.references_lost]
        if self.changes:
            out.append(f"tracked changes resolved: {len(self.changes)}")
            out += [f"  {x}" for x in self.changes]
        out.append(f"comments: {len(self.comments)} (not kept: the YAML has no place for them)")
        out += [f"  {x}" for x in self.comments]
        out += [f"not imported: {x}" for x in self.ignored]
        if self.merged_from_yaml:
            out.append("kept from the YAML (changed there since the draft was made): " + ", ".join(self.merged_from_yaml))
        if self.translations_differ:
            out.append("translations whose structure now differs (update them): " + ", ".join(self.translations_differ))
        return out


@dataclass
class Result:
    target: Path
    old: str
    new: str
    summary: Summary
    newline: str = "\n"  # the file's own line end, kept when it is written

    @property
    def diff(self) -> str:
        name = self.target.name
        return "".join(difflib.unified_diff(self.old.splitlines(True), self.new.splitlines(True),
                                            f"a/{name}", f"b/{name}"))
