"""The workbooks taken to the centres by mail, and the reminders."""
