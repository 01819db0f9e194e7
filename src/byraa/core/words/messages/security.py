"""Refusals that guard data: the demo's rebuild, the audit trail, identity, hostile input."""

from byraa.core.words.i18n import N_

MESSAGES = {
    "demo.not_a_file": N_("{path} is not a regular file"),
    "demo.not_a_database": N_("{where} is not a byraa database; the demo leaves it alone"),
    "demo.not_a_demo": N_("{where} holds a real agency; the demo never touches it"),
    "demo.rebuild_not_confirmed": N_("the demo was not rebuilt (not confirmed; use --yes in scripts)"),
    "import.conflict": N_("{file}: other imports of the same client and month kept colliding with this one; "
                          "nothing was imported, try again"),
    "db.bad_role": N_("{role} is not a valid database role name (lower-case letters, digits, _ . -)"),
    "db.grant_staff_postgres_only": N_("staff roles are a PostgreSQL feature; a SQLite file is protected by its "
                                      "file mode"),
    "db.no_such_role": N_("no database role {role}: create it (CREATE ROLE) or add --create"),
    "import.amount_out_of_range": N_("{value} is out of range (at most 999 999 999 999,99 kr)"),
    "import.csv_broken": N_("a field is too long or its quoting is broken"),
    "name.controls": N_("the name {name} holds control characters (terminal escape codes); type it without them"),
    "file.not_regular": N_("{path}: not a regular file (a device, a pipe or a link to one); nothing was read"),
    "file.too_large": N_("{path}: {size} bytes, over the limit of {limit} MB for this kind of file; nothing was read"),
    "db.url_unencoded_at": N_("the database URL {url} has an @ in its password: write it as %40"),
    "db.value_rejected": N_("the database refused a value as out of range or malformed ({kind}); nothing was "
                            "changed"),
}
