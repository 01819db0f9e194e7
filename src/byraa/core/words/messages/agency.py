"""The agency: its setup, staff users, roles and client access."""

from byraa.core.words.i18n import N_

MESSAGES = {
    "agency.no_name": N_("the agency needs a name"),
    "agency.exists": N_("this database already has an agency; nothing was changed"),
    "org.invalid": N_("organisation number {org}: {reason}"),
    "access.manager_only": N_("only an agency manager may {what}; {login} is a payroll clerk"),
    "access.no_client_access": N_("{login} has no access to the client {client}"),
    "access.copy_same_user": N_("copying access needs two different users"),
    "access.no_clients": N_("name at least one client"),
    "access.no_clients_or_all": N_("name at least one client, or all clients"),
    "staff.own_manager_role": N_("you cannot take your own agency manager role; ask another manager"),
    "staff.deactivate_self": N_("you cannot deactivate yourself"),
}

MANAGER_ACTIONS = (
    N_("add clients"),
    N_("change access"),
    N_("change roles"),
    N_("activate or deactivate staff"),
    N_("add staff"),
    N_("review access"),
    N_("change the Altinn connection"),
    N_("change a client's Altinn connection"),
    N_("read the audit trail"),
    N_("change a client's details"),
)
"""What ``access.require_manager`` names (a ``Phrase`` parameter): listed here for the catalog."""
