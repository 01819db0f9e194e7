"""The database, its schema and the configuration file."""

from byraa.core.words.i18n import N_

MESSAGES = {
    "db.not_private": N_("{path} can be read by others (mode {mode}) and byraa cannot change that; run chmod 600 on it"),
    "db.invalid_url": N_("database URL {url} is not a valid URL"),
    "db.unsupported_url": N_("database URL {url}: only sqlite and postgresql are supported"),
    "db.missing_driver": N_("database URL {url}: {reason}"),
    "db.no_database": N_("no database at {path}: run `byraa init` to set up your agency, or `byraa demo` for a synthetic one"),
    "db.unreachable": N_("cannot reach the database {url}: {reason}"),
    "db.newer_schema": N_(
        "the database has schema revision {revision}, which this byraa does not know: "
        "it was written by a newer byraa. Upgrade byraa; nothing was changed."
    ),
    "db.empty_needs_upgrade": N_("{url} has an empty database; run `byraa db upgrade` to bring it to {head}"),
    "db.needs_upgrade": N_("{url} has schema revision {revision}; run `byraa db upgrade` to bring it to {head}"),
    "db.no_agency": N_(
        "{url} holds no agency yet: run `byraa demo` for a synthetic one, or `byraa init` to set up yours"
    ),
    "config.bad_language": N_("language {language} is not one of {languages}"),
    "config.bad_keymap": N_("{path}: [keymap] must be a table of binding id = keys"),
    "config.unreadable": N_("{path}: cannot read the config file: {reason}"),
}
