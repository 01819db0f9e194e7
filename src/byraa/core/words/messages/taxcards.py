"""Tax cards: fetching them from Skatteetaten and importing answers."""

from byraa.core.words.i18n import N_

MESSAGES = {
    "taxcards.no_interrupted_fetch": N_("there is no interrupted tax-card fetch to resume"),
    "taxcards.no_fetch_yet": N_("no tax-card fetch yet"),
    "taxcards.next_year_too_early": N_(
        "tax cards for {year} cannot be fetched before 15 December {this_year} (today is {today})"
    ),
    "taxcards.last_year_too_late": N_("tax cards for {year} cannot be fetched after June {this_year} (today is {today})"),
    "taxcards.year_out_of_range": N_("tax cards can only be fetched for {this_year}, not for {year}"),
    "taxcards.year_out_of_range_two": N_("tax cards can only be fetched for {first} or {second}, not for {year}"),
    "taxcards.choose_one_selection": N_(
        "choose exactly one of: clients, a group, a responsible staff member, or all clients"
    ),
    "taxcards.bad_mode": N_("mode {mode} is not one of {modes}"),
    "taxcards.bad_batch_size": N_("persons per order must be between 1 and 1,000"),
    "taxcards.no_clients": N_("no clients to fetch tax cards for ({selection})"),
    "taxcards.no_clients_access": N_("no clients to fetch tax cards for ({selection}; {count} without your access)"),
    "taxcards.nobody_to_fetch": N_("nobody to fetch tax cards for: every person was skipped ({skipped} skipped)"),
    "taxcards.fetch_not_found": N_("no tax-card fetch {job}"),
    "taxcards.fetch_not_yours": N_("the tax-card fetch {job} was started by {owner}; {login} may not see it"),
    "taxcards.bad_filter": N_("filter {show} is not one of {filters}"),
    "taxcards.answer_status": N_("{path}: the answer's status is {status}; it holds no tax cards"),
    "taxcards.no_files": N_("no files given"),
    "taxcards.not_an_answer": N_("{path}: not a tax-card answer: {reason}"),
    "taxcards.import_conflict": N_(
        "{path}: another import changed the same tax cards at the same time; "
        "nothing was imported from this file, run it again"
    ),
    "taxcards.bad_employer": N_("{path}: arbeidsgiver {org}: {reason}; nothing was imported"),
    "taxcards.employer_not_client": N_(
        "{path}: arbeidsgiver {org} is not a client of the agency; add the client first (nothing was imported)"
    ),
    "taxcards.answer_not_json": N_("the answer is not valid JSON"),
    "taxcards.answer_not_object": N_("the answer is not a JSON object"),
    "taxcards.employer_not_object": N_("an arbeidsgiver entry is not an object"),
    "taxcards.answer_bad_root": N_("the root element is not skattekortTilArbeidsgiver in the v3 namespace"),
    "taxcards.answer_not_json_or_xml": N_("the answer is neither JSON nor XML"),
    "taxcards.person_error": N_("{file}: arbeidsgiver {org}: {nid}: {reason}"),
    "taxcards.bad_person": N_("{path}: arbeidsgiver {org}: {nid}: {reason}; nothing was imported"),
}
