"""Tax cards (skattekort): parsing Skatteetaten's answers, importing them, listing them.

``parse`` reads the API's JSON (both spellings) and the XML v3 document; ``store`` writes
answers to the store and lists a client's cards. The bulk fetch job lives elsewhere.
"""

from byraa.core.taxcards.parse import (
    AnswerRejected,
    Deduction,
    EmployerResult,
    PersonResult,
    TaxCardAnswer,
    parse_answer,
    parse_json,
    parse_xml,
)
from byraa.core.taxcards.store import (
    ImportSummary,
    PersonError,
    TaxCardRow,
    import_file,
    import_files,
    list_cards,
    store_answer,
)

__all__ = [
    "AnswerRejected", "Deduction", "EmployerResult", "ImportSummary", "PersonError", "PersonResult",
    "TaxCardAnswer", "TaxCardRow", "import_file", "import_files", "list_cards", "parse_answer",
    "parse_json", "parse_xml", "store_answer",
]
