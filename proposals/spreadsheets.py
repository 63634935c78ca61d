"""Writing workbooks with openpyxl in write-only mode: memory stays flat."""


def sheet_row(sheet, values, font=None):
    """`values` as a row of `sheet`: numbers as numbers, lazy texts as text. A text
    that starts with « = » becomes a string cell, never a formula (openpyxl would
    otherwise write it as one)."""
    from openpyxl.cell import WriteOnlyCell  # loaded by the workbooks' builders only

    row = []
    for value in values:
        if value is not None and not isinstance(value, (int, float, str)):
            value = str(value)
        formula_like = isinstance(value, str) and value.startswith("=")
        if font is None and not formula_like:
            row.append(value)
            continue
        cell = WriteOnlyCell(sheet, value=value)
        if formula_like:
            cell.data_type = "s"
        if font is not None:
            cell.font = font
        row.append(cell)
    sheet.append(row)
