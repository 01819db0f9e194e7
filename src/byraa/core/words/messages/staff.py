"""Staff administration and who may use byraa."""

from byraa.core.words.i18n import N_

MESSAGES = {
    "staff.unknown_login": N_(
        "the login {login} is not a staff user of this agency; ask an agency manager to add you (or set BYRAA_USER)"
    ),
    "staff.deactivated": N_("the staff user {login} is deactivated; ask an agency manager"),
    "staff.managers_only": N_("only an active agency manager may change staff; {login} is not one"),
    "staff.bad_role": N_("role {role} is not one of {roles}"),
    "staff.bad_login": N_("login '{login}' must be 1 to 64 characters: letters, digits, '.', '_' or '-'"),
    "staff.bad_name": N_("the name of {login} must be 1 to 200 characters"),
    "staff.exists": N_("a staff user with the login {login} already exists"),
    "staff.last_manager": N_(
        "{login} is the last active agency manager; make another user agency manager first"
    ),
    "staff.not_yourself_demote": N_("you cannot take your own agency manager role; ask another manager"),
    "staff.not_yourself_deactivate": N_("you cannot deactivate yourself; ask another manager"),
}
