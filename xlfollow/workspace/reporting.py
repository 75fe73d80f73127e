"""The council's report of a workspace's round: where it is written, from which
answers and figures, on which template, and as Word and, with LibreOffice, PDF."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path

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
    """What `report` writes: the Word document, or the PDF too (made from it)."""

    DOCX = "docx"
    PDF = "pdf"
    BOTH = "both"


@dataclass(frozen=True)
class ReportJob:
    """A report asked for."""

    folder: Path
    ledger: Path
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
    docx: Path
    pdf: Path | None


def make_report(job: ReportJob, dated: date | None = None) -> ReportResult:
    """Write the report of a round; the PDF, if asked for, after the .docx, which is
    kept whatever becomes of the PDF (ReportError says why it could not be made).
    Dated today unless `dated` says otherwise."""
    definition = job.definition
    with Ledger(job.ledger) as ledger:
        index = issued_round(definition, ledger.issues(), job.round_text)
    round_name = definition.agreement.rounds[index]
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
        return ReportResult(round_name, docx_path, None)
    from xlfollow.report.pdf import to_pdf  # here: a .docx alone needs no LibreOffice

    return ReportResult(round_name, docx_path, to_pdf(docx_path, pdf_path))


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
