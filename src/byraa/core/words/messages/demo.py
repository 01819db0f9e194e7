"""The synthetic demo agency."""

from byraa.core.words.i18n import N_

MESSAGES = {
    "demo.url_not_postgres": N_("--database-url is for PostgreSQL; use --db PATH for a SQLite file"),
    "demo.real_agency": N_("{where} holds a real agency; the demo only replaces a demo or empty database"),
    "demo.no_clients": N_("the demo needs at least one client"),
    "demo.no_login": N_("the demo needs a login for its agency manager"),
    "demo.not_empty": N_("{url} already holds an agency; the demo fills an empty database only"),
    "demo.intake_refused": N_("the demo's intake refused {count} file(s), first {file}: {reason}"),
}
