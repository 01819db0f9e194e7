"""English templates of the ``UserError`` codes, one module per domain.

Each module defines ``MESSAGES: dict[str, str]`` (code -> template marked with ``N_``);
``byraa.core.words.errors`` gathers every module here, so a new domain adds a file and
touches nothing else. Codes are ``domain.what`` and unique across modules.
"""
