"""The council's report of a round: the follow-up as a Word document (python-docx)
and a tagged PDF (LibreOffice, headless), in the form of the seed."""
