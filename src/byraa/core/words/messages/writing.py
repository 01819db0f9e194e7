"""Writing files the user asked for (exports, copies, saved reports)."""

from byraa.core.words.i18n import N_

MESSAGES = {
    "file.cannot_write": N_("{path}: cannot write the file: {reason}"),
}
