"""Importing files: a-meldinger, ledgers (SAF-T, CSV) and the values in them.

``import.refused`` frames every refusal of a file at a place (``Where.refuse``); its
``reason`` is one of the other codes here, rendered in the same language.
"""

from byraa.core.words.i18n import N_

MESSAGES = {
    "import.refused": N_("{file}, {where}: {reason}; nothing was imported"),
    "import.foreign_client": N_("{file}: no client with the organisation number {org} (add the client first); "
                                "nothing was imported"),
    "import.wrong_client": N_("{file}: the file is for {found}, not {expected}; nothing was imported"),
    "import.wrong_period": N_("{file}: the file is for {found}, not {expected}; nothing was imported"),
    "import.wrong_ledger_client": N_("{file}: the file is the ledger of {found}, not {expected}; nothing was imported"),
    "import.xml_rejected": N_("{file}: {reason}; nothing was imported"),
    "import.not_utf8": N_("{file}: cannot read as UTF-8 text ({reason})"),
    "import.changed_while_read": N_("{file} changed while it was read; nothing was imported"),
    "import.amount_missing": N_("the amount is missing"),
    "import.not_amount": N_("{value} is not an amount"),
    "import.not_amount_decimals": N_("{value} is not an amount (kroner with at most two decimals)"),
    "import.too_many_decimals": N_("{value} has more than two decimals"),
    "import.not_month": N_("{value} is not a month in the form YYYY-MM"),
    "import.date_missing": N_("the date is missing"),
    "import.not_date": N_("{value} is not a date (YYYY-MM-DD)"),
    "import.not_timestamp": N_("{value} is not a date and time (YYYY-MM-DDThh:mm:ss)"),
    "import.not_number": N_("{value} is not a number"),
    "import.out_of_range": N_("{value} is out of range"),
    "import.not_boolean": N_("{value} is not true or false"),
    "import.bad_national_id": N_("{value}: {reason}"),
    "import.bad_org_number": N_("{value}: {reason}"),
    "import.missing": N_("{name} is missing"),
    "import.bad_occupation": N_("{value} is not a 7-digit occupation code"),
    "import.bad_zone": N_("{value} is not an AGA zone ({zones})"),
    "import.foreign_sub_unit": N_("the sub-unit {org} belongs to another client"),
    "amelding.income_no_description": N_("the income has no beskrivelse"),
    "amelding.no_oppgave": N_("the a-melding has no oppgave"),
    "amelding.not_amelding": N_("not an a-melding (root melding in the namespace {namespace} to {last})"),
    "amelding.recipient_outside_virksomhet": N_("an inntektsmottaker outside a virksomhet"),
    "amelding.recipient_twice": N_("{nid} is an inntektsmottaker twice in virksomhet {unit} (their income would count twice)"),
    "amelding.withholding_positive": N_("forskuddstrekk {value} is positive: withholding is reported as a negative amount"),
    "ledger.bad_account": N_("{value} is not an account number"),
    "ledger.bad_period": N_("{year}/{month} is not a period"),
    "ledger.bad_period_range": N_("{year}/{month} is not a period (year and month 1–12)"),
    "ledger.no_org_number": N_("the company's organisation number is missing"),
    "ledger.no_period": N_("the file names no period and has no transactions"),
    "ledger.header_lacks": N_("the header lacks {columns} (account, period, amount)"),
    "ledger.no_lines": N_("has no ledger lines"),
    "ledger.bad_kind": N_("{value} is not posting or opening"),
    "ledger.not_saft": N_("not a SAF-T Financial file (root AuditFile in {namespace})"),
    "ledger.transaction_no_period": N_("the transaction has no period or date"),
    "ledger.bad_suffix": N_("{file}: a ledger file must be SAF-T (.xml) or CSV (.csv)"),
    "ledger.csv_needs_client": N_("{file}: a ledger CSV needs --client ORGNR"),
}
