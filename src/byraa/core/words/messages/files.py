"""Files byraa reads or writes, and XML it refuses (``XmlRejected``)."""

from byraa.core.words.i18n import N_

MESSAGES = {
    "file.formula_without_value": N_("a formula without a computed value (save it in a spreadsheet program first)"),
    "file.symlink": N_("{path} is a symbolic link; byraa does not write through one"),
    "file.exists": N_("{path} exists; choose another name or pass --overwrite"),
    "file.unwritable": N_("cannot write {path}: {reason}"),
    "file.too_big": N_("{path}: the file is {size} bytes, over the limit of {limit} bytes"),
    "file.over_limit": N_("{path}: the file is over the limit of {limit} bytes"),
    "xml.too_big": N_("the document is {size} bytes, over the limit of {limit} bytes"),
    "xml.not_bytes": N_("the document is not bytes"),
    "xml.empty": N_("the document is empty"),
    "xml.bad_encoding": N_("the document declares the encoding {encoding}, which byraa does not read"),
    "xml.not_regular": N_("not a regular file (a device, a pipe or a link to one)"),
    "xml.doctype": N_("the document has a DOCTYPE (DTDs and entities are refused)"),
    "xml.not_well_formed": N_("not well-formed XML"),
    "xml.not_well_formed_line": N_("not well-formed XML (line {line})"),
    "xml.not_well_formed_at": N_("not well-formed XML (line {line}, column {column})"),
    "xml.unreadable": N_("unreadable XML ({reason})"),
    "xml.no_root": N_("the document has no root element"),
    "xml.cannot_read": N_("cannot read the file ({reason})"),
}
