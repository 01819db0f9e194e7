"""Writing files the user asked for (exports, copies, saved reports)."""

from byraa.core.words.i18n import N_

MESSAGES = {
    "file.report_suffix": N_("{path}: a report is written as .csv or .xlsx; give a file name ending in one of them"),
    "file.cannot_write": N_("{path}: cannot write the file: {reason}"),
}
