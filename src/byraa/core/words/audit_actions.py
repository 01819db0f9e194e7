"""Every action the audit trail records, and what it concerns, in words: the audit screen and
`byraa audit` show these.

Its own module because it is one long table of its own family (the trail's action codes),
kept apart from the store codes in ``labels``. A code not listed shows as itself; JSON and
CSV keep the codes (a script filters on them).
"""

from __future__ import annotations

from byraa.core.words.i18n import N_, _

ACTION_WORDS = {
    "national_id.reveal": N_("showed a national id"),
    "employees.reveal": N_("showed national ids (import)"),
    "reconcile.sign_off": N_("signed a reconciliation"),
    "access.grant": N_("gave access"),
    "access.revoke": N_("ended access"),
    "staff.role": N_("changed a role"),
    "staff.active": N_("staff active/inactive"),
    "staff.add": N_("added staff"),
    "staff.name": N_("corrected a staff name"),
    "client.add": N_("added a client"),
    "posting.post": N_("posted a payroll run"),
    "posting.freeze": N_("froze a payroll run"),
    "archive.export": N_("saved a copy of a file"),
    "employment.send_payroll": N_("sent an employment"),
    "employment.send": N_("sent an employment from the employee card"),
    "employment.take_a07": N_("took a-ordningen's employment"),
    "a07.export": N_("exported an A07"),
    "a07.fetch": N_("fetched an A07"),
    "addresses.compare": N_("compared addresses"),
    "agency.init": N_("set up the agency"),
    "altinn_connection.set": N_("changed the Altinn connection"),
    "altinn_connection.use_agency": N_("used the agency's Altinn connection"),
    "client.edit": N_("changed a client"),
    "demo.build": N_("built the demo agency"),
    "extract.control": N_("changed the extract checks"),
    "extract.run": N_("made a payroll extract"),
    "group.add_clients": N_("added clients to a group"),
    "group.create": N_("created a group"),
    "group.delete": N_("deleted a group"),
    "group.remove_clients": N_("removed clients from a group"),
    "group.rename": N_("renamed a group"),
    "import.a07": N_("imported an A07"),
    "import.amelding": N_("imported an a-melding"),
    "import.ledger": N_("imported a ledger"),
    "intake.start": N_("started an intake"),
    "posting.checklist": N_("ticked the receipt checklist"),
    "posting.error_cleared": N_("emptied the error account"),
    "posting.journal_printed": N_("printed the posting journal"),
    "posting.settings": N_("changed posting settings"),
    "reconcile.reveal": N_("showed national ids (reconciliation)"),
    "reconcile.run": N_("ran a reconciliation"),
    "reconcile.setting": N_("changed reconciliation settings"),
    "taxcards.fetch": N_("fetched tax cards"),
    "taxcards.import": N_("imported tax cards"),
    "taxcards.fetch.start": N_("started a tax card fetch"),
    "taxcards.fetch.reorder_unknown": N_("ordered tax cards again"),
    "reconcile.job.start": N_("started reconciliations"),
    "reconcile.explained": N_("explained a difference"),
    "reconcile.take_a07": N_("took a-ordningen's figure"),
    "reconcile.send_payroll": N_("sent the payroll's figure"),
    "correction.submit": N_("sent a correction"),
    "correction.feedback": N_("read a correction's feedback"),
    "posting.journal.imported": N_("imported a posting journal"),
    "posting.journal.replaced": N_("replaced a posting journal"),
    "extract.right.add": N_("gave a payroll extract right"),
    "extract.right.remove": N_("removed a payroll extract right"),
    "register_access": N_("changed the population register access"),
}
"""Every action byraa records, in words (a code not listed shows as itself)."""


def _words(table: dict[str, str], code: str) -> str:
    words = table.get(code)
    return _(words) if words else code


def action_words(action: str) -> str:
    return _words(ACTION_WORDS, action)


ENTITY_WORDS = {
    "agency": N_("the agency"),
    "altinn_connection": N_("Altinn connection"),
    "archive_file": N_("archived file"),
    "client": N_("client"),
    "client_access": N_("client access"),
    "client_group": N_("client group"),
    "employee": N_("employee"),
    "employment": N_("employment"),
    "extract": N_("payroll extract"),
    "extract_control": N_("extract checks"),
    "extract_right": N_("extract right"),
    "job": N_("job"),
    "posted_line": N_("posted line"),
    "posting_run": N_("payroll run"),
    "posting_settings": N_("posting settings"),
    "recon_correction": N_("correction"),
    "recon_row": N_("reconciliation line"),
    "recon_run": N_("reconciliation"),
    "recon_setting": N_("reconciliation settings"),
    "recon_source": N_("imported file"),
    "register_access": N_("population register access"),
    "staff_user": N_("staff member"),
    "tax_card": N_("tax card"),
}
"""What an event concerns (the ``entity`` the trail stores), in words."""


def entity_words(entity: str) -> str:
    return _words(ENTITY_WORDS, entity)
