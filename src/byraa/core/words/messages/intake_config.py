"""Settings of the intake: the agency's inbox folder."""

from byraa.core.words.i18n import N_

MESSAGES = {
    "config.bad_inbox": N_("{path}: inbox must be a folder path"),
}
