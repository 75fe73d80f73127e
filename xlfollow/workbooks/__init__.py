"""The workbooks written: the chapter sheets' declared columns, the smileys, the
styles, and the master's own sheets."""
