"""Write workbook_templates/report-template.docx: the bundled Word template of the
council's report (xlfollow report), from python-docx's own blank document.

A municipality replaces it with its letterhead: a .docx with its page setup, header,
footer and the styles Normal, Title, Subtitle, Heading 1-3 (`[report] template` in
xlfollow.toml, or report-template.docx in the workspace). What this one sets:
A4 portrait with 2.5 cm margins; Arial (Liberation Sans where Arial is missing) 10 pt;
headings in dark blue with a contrast of 11:1 on white; an empty header and footer,
which the report fills in with its title and "Side X af Y".

Run from the repository's root: .venv/bin/python scripts/make-report-template.py
"""

from __future__ import annotations

from pathlib import Path

import docx
from docx.shared import Cm, Pt, RGBColor

OUT = Path(__file__).resolve().parent.parent / "workbook_templates" / "report-template.docx"
DARK_BLUE = RGBColor(0x1F, 0x38, 0x64)
FONT = "Arial"


def main() -> None:
    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.0)
    section.top_margin, section.bottom_margin = Cm(2.5), Cm(2.0)
    section.header_distance = section.footer_distance = Cm(1.0)
    styles = document.styles
    normal = styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(10)
    normal.paragraph_format.space_after = Pt(4)
    for name, size in (
        ("Title", 22),
        ("Subtitle", 13),
        ("Heading 1", 15),
        ("Heading 2", 12),
        ("Heading 3", 10.5),
    ):
        style = styles[name]
        style.font.name = FONT
        style.font.size = Pt(size)
        style.font.color.rgb = DARK_BLUE
        style.font.italic = False
        if name.startswith("Heading"):
            style.font.bold = True
            style.paragraph_format.space_before = Pt(14 if name == "Heading 1" else 10)
            style.paragraph_format.space_after = Pt(4)
            style.paragraph_format.keep_with_next = True
    document.core_properties.title = ""
    document.core_properties.author = "xlfollow"
    document.core_properties.comments = "The bundled template of xlfollow's council report."
    document.save(str(OUT))
    print(f"Wrote {OUT}")


if __name__ == "__main__":
    main()
