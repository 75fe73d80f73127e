"""The council's report of a workspace's round: where it is written, from which
answers and figures, on which template, and as Word and, with LibreOffice, PDF."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path

from xlfollow.definition.ledgerplace import LedgerPlace
from xlfollow.errors import WorkspaceError
from xlfollow.figures.summary import summarise
from xlfollow.ledger.store import AnswerKey, Ledger
from xlfollow.messages import Language, Text
from xlfollow.model import Definition
from xlfollow.report.writing import ReportRequest, write_report
from xlfollow.workspace.master import issued_round

__all__ = ["REPORTS_FOLDER", "ReportFormat", "ReportJob", "ReportResult", "make_report"]

REPORTS_FOLDER = "reports"
"""Where a workspace's reports are written, unless told otherwise."""
TEMPLATE_IN_WORKSPACE = "report-template.docx"
"""A workspace's own Word template, taken without a `[report] template` setting."""


class ReportFormat(StrEnum):
    """What `report` writes: the Word document, the PDF (made from a Word document,
    which is removed after, or kept if the PDF cannot be made), or both."""

    DOCX = "docx"
    PDF = "pdf"
    BOTH = "both"


@dataclass(frozen=True)
class ReportJob:
    """A report asked for."""

    folder: Path
    ledger: LedgerPlace
    definition: Definition
    answers: dict[AnswerKey, str]
    round_text: str | None = None
    """The round; None: the latest issued."""
    format: ReportFormat = ReportFormat.DOCX
    output: Path | None = None
    """The file to write (.docx or .pdf; the other beside it); None: reports/."""


@dataclass(frozen=True)
class ReportResult:
    """What `report` wrote."""

    round: str
    docx: Path | None
    """The Word document; None when only the PDF was asked for."""
    pdf: Path | None
    open_conflicts: int = 0
    """The round's conflicts still to decide: the report shows the current answer."""


def make_report(job: ReportJob, dated: date | None = None) -> ReportResult:
    """Write the report of a round issued; the PDF, if asked for, from the .docx,
    which is kept if the PDF cannot be made (ReportError says why). Dated today
    unless `dated` says otherwise."""
    definition = job.definition
    rounds = definition.agreement.rounds
    with Ledger(job.ledger) as ledger:
        issues = ledger.issues()
        index = issued_round(definition, issues, job.round_text)
        open_conflicts = len(ledger.conflicts(rounds[index]))
    issued = [rounds.index(i.round) for i in issues if i.round in rounds]
    if not issued:
        raise WorkspaceError(Text("no round has been issued yet; run xlfollow issue first"))
    if index not in issued:
        raise WorkspaceError(
            Text(
                "{round} has not been issued, so no centre has been asked about it (the latest "
                "issued is {latest}); a report of it would show every answer as missing. "
                "Report on a round issued, or issue it first",
                round=rounds[index],
                latest=rounds[max(issued)],
            )
        )
    docx_path, pdf_path = _paths(job, index)
    summary = summarise(definition, index, job.answers)
    previous = summarise(definition, index - 1, job.answers) if index else None
    request = ReportRequest(
        definition,
        index,
        job.answers,
        summary,
        previous,
        dated or date.today(),
        _template(job),
        job.folder,
    )
    docx_path.parent.mkdir(parents=True, exist_ok=True)
    write_report(request, docx_path)
    if job.format is ReportFormat.DOCX:
        return ReportResult(rounds[index], docx_path, None, open_conflicts)
    from xlfollow.report.pdf import to_pdf  # here: a .docx alone needs no LibreOffice

    # LibreOffice lays out some 30 ms of pages an item (156 s at 5,000 items, two
    # cores): its time allowed grows with the agreement, from five minutes.
    pdf = to_pdf(docx_path, pdf_path, timeout=300 + 0.1 * len(definition.agreement.items))
    if job.format is ReportFormat.PDF:
        docx_path.unlink()
        return ReportResult(rounds[index], None, pdf, open_conflicts)
    return ReportResult(rounds[index], docx_path, pdf, open_conflicts)


def _paths(job: ReportJob, index: int) -> tuple[Path, Path]:
    """The .docx and .pdf to write: the output named, and its twin beside it; or
    reports/opfoelgning-runde-N in the workspace."""
    if job.output is not None:
        suffix = job.output.suffix.lower()
        if suffix not in (".docx", ".pdf"):
            raise WorkspaceError(
                Text(
                    "{file}: a report is written as .docx or .pdf; give a name ending in one",
                    file=str(job.output),
                )
            )
        return job.output.with_suffix(".docx"), job.output.with_suffix(".pdf")
    danish = job.definition.settings.language is Language.DA
    name = f"opfoelgning-runde-{index + 1}" if danish else f"follow-up-round-{index + 1}"
    base = job.folder / REPORTS_FOLDER / name
    return base.with_suffix(".docx"), base.with_suffix(".pdf")


def _template(job: ReportJob) -> Path | None:
    """The municipality's template: the setting's file, else report-template.docx in
    the workspace, else None (the bundled one)."""
    named = job.definition.settings.report.template
    if named:
        path = job.folder / named
        if not path.is_file():
            raise WorkspaceError(
                Text(
                    "the report's template {file} (xlfollow.toml, [report] template) is not "
                    "there; put the Word file in the workspace, or remove the setting to use "
                    "the bundled template",
                    file=str(path),
                )
            )
        return path
    own = job.folder / TEMPLATE_IN_WORKSPACE
    return own if own.is_file() else None
