"""Why the system refused to write a file, in the user's words (not the C library's English).

``exc.strerror`` is English whatever the user's language ("No such file or directory"), so
a write error is raised as ``UserError("file.cannot_write", path=..., reason=Reason(exc))``:
the reason is chosen by errno and translated when the message is shown, like the template.
"""

from __future__ import annotations

import errno
import os

from byraa.core.base.errors import UserError
from byraa.core.words.i18n import N_, _

_REASONS = {
    errno.ENOENT: N_("the folder does not exist"),
    errno.EACCES: N_("you may not write there"),
    errno.EPERM: N_("you may not write there"),
    errno.EISDIR: N_("that is a folder; give a file name"),
    errno.ENOTDIR: N_("a part of the path is not a folder"),
    errno.ENOSPC: N_("the disk is full"),
    errno.EDQUOT: N_("the disk quota is used up"),
    errno.EROFS: N_("the disk is read-only"),
    errno.ENAMETOOLONG: N_("the name is too long"),
    errno.ELOOP: N_("the path is a symbolic link"),
}


class Reason:
    """An OS error's reason, translated each time it is shown."""

    def __init__(self, exc: OSError) -> None:
        self.errno = exc.errno

    def __str__(self) -> str:
        template = _REASONS.get(self.errno or 0)
        if template is not None:
            return _(template)
        name = errno.errorcode.get(self.errno or 0, "?")
        return _("system error {name}").format(name=name)


def cannot_write(path: str | os.PathLike[str], exc: OSError) -> UserError:
    """The error to raise when creating or writing ``path`` failed with ``exc``."""
    return UserError("file.cannot_write", path=str(path), reason=Reason(exc))
