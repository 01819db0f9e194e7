"""Per client settings of the checks: account mapping, tolerances, holiday-pay rate, service
level, and the checks the client follows up itself (``client_follows_up``: a list of
checks, ``none`` for none; unset, the service level's default).

Stored as ``recon_setting`` rows only where a client differs from the defaults (NS 4102
accounts, tolerance 0.00 except 1.00 NOK for AGA, 10.2 % holiday pay). Every change is
audited with before and after; it needs access to the client.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from byraa.core.agency import audit
from byraa.core.agency.identity import Identity
from byraa.core.base import clock
from byraa.core.base.errors import UserError
from byraa.core.clients.lookup import resolve_client
from byraa.core.reconcile.checks import (
    ACCOUNT_ROLES,
    CHECKS,
    DEFAULT_HOLIDAY_RATE,
    DEFAULT_TOLERANCES,
    Settings,
    schedule,
)
from byraa.core.store import Store
from byraa.core.store.models_reconcile import ReconSetting

_ACCOUNT = re.compile(r"^[0-9A-Za-z._-]{1,20}$")
_KRONER = re.compile(r"^\d{1,9}([.,]\d{1,2})?$")


def load(session: Session, client_id: int) -> Settings:
    """The client's settings: its own rows over the defaults."""
    from byraa.core.store.models_posting import PostingSettings

    accounts = dict(ACCOUNT_ROLES)
    posting = session.get(PostingSettings, client_id)
    if posting is not None and posting.error_account:
        # The posting control's error account is the client's; the open-items check reads it.
        accounts["error"] = (posting.error_account,)
    tolerances = dict(DEFAULT_TOLERANCES)
    rate = DEFAULT_HOLIDAY_RATE
    level = schedule.DEFAULT_SERVICE_LEVEL
    client_checks: tuple[str, ...] | None = None
    guarantee = False
    for row in session.scalars(select(ReconSetting).where(col(ReconSetting.client_id) == client_id)):
        kind, _, name = row.key.partition(".")
        if kind == "account" and name in accounts:
            accounts[name] = tuple(a for a in row.value.split(",") if a)
        elif kind == "tolerance" and name in tolerances:
            tolerances[name] = int(row.value)
        elif row.key == "holiday_rate":
            rate = float(row.value)
        elif row.key == "service_level" and row.value in schedule.SERVICE_LEVELS:
            level = row.value
        elif row.key == "client_follows_up":
            client_checks = tuple(c for c in row.value.split(",") if c in CHECKS)
        elif row.key == "bank_guarantee":
            guarantee = row.value == "yes"
    return Settings(accounts=accounts, tolerances=tolerances, holiday_rate=rate, service_level=level,
                    client_checks=client_checks, bank_guarantee=guarantee)


@dataclass(frozen=True)
class SettingRow:
    key: str
    value: str
    default: str
    changed: bool


def describe(settings: Settings) -> list[SettingRow]:
    rows = []
    for role, accounts in settings.accounts.items():
        default = ",".join(ACCOUNT_ROLES[role])
        rows.append(SettingRow(f"account.{role}", ",".join(accounts), default, ",".join(accounts) != default))
    for check, ore in settings.tolerances.items():
        default_ore = DEFAULT_TOLERANCES[check]
        rows.append(SettingRow(f"tolerance.{check}", f"{ore / 100:.2f}", f"{default_ore / 100:.2f}",
                               ore != default_ore))
    rows.append(SettingRow("holiday_rate", f"{settings.holiday_rate:g}", f"{DEFAULT_HOLIDAY_RATE:g}",
                           settings.holiday_rate != DEFAULT_HOLIDAY_RATE))
    rows.append(SettingRow("service_level", settings.service_level, schedule.DEFAULT_SERVICE_LEVEL,
                           settings.service_level != schedule.DEFAULT_SERVICE_LEVEL))
    own = settings.follows_up()
    level_default = schedule.CLIENT_FOLLOWS_UP.get(settings.service_level, ())
    rows.append(SettingRow("client_follows_up", ",".join(own) or "none", ",".join(level_default) or "none",
                           settings.client_checks is not None and own != level_default))
    rows.append(SettingRow("bank_guarantee", "yes" if settings.bank_guarantee else "no", "no",
                           settings.bank_guarantee))
    return rows


def get(store: Store, who: Identity, org_number: str) -> list[SettingRow]:
    with store.session() as session:
        client = resolve_client(session, who, org_number)
        return describe(load(session, client.id or 0))


def _normalise(key: str, value: str) -> tuple[str, str]:
    """The stored text of a setting, or a ``UserError`` naming what is wrong."""
    kind, _, name = key.partition(".")
    value = value.strip()
    if kind == "account":
        if name not in ACCOUNT_ROLES:
            raise UserError("reconcile.unknown_account_role", name=name, roles=", ".join(ACCOUNT_ROLES))
        accounts = [a.strip() for a in value.split(",") if a.strip()]
        if not accounts or not all(_ACCOUNT.match(a) for a in accounts):
            raise UserError("reconcile.bad_accounts", value=value)
        return key, ",".join(accounts)
    if kind == "tolerance":
        if name not in CHECKS:
            raise UserError("reconcile.unknown_check", name=name, checks=", ".join(CHECKS))
        if not _KRONER.match(value):
            raise UserError("reconcile.bad_tolerance", value=value)
        kroner, _, ore = value.replace(",", ".").partition(".")
        return key, str(int(kroner) * 100 + int(ore.ljust(2, "0") or 0))
    if key == "holiday_rate":
        try:
            rate = float(value.replace(",", "."))
        except ValueError:
            raise UserError("reconcile.holiday_rate_not_number", value=value) from None
        if not 0 < rate < 30:
            raise UserError("reconcile.holiday_rate_range", value=value)
        return key, f"{rate:g}"
    if key == "service_level":
        if value not in schedule.SERVICE_LEVELS:
            raise UserError("reconcile.bad_service_level", value=value[:20], levels=", ".join(schedule.SERVICE_LEVELS))
        return key, value
    if key == "client_follows_up":
        names = [c.strip() for c in value.split(",") if c.strip()]
        if names == ["none"]:
            names = []
        unknown = [c for c in names if c not in CHECKS]
        if unknown:
            raise UserError("reconcile.unknown_check", name=", ".join(unknown)[:60], checks=", ".join(CHECKS))
        # Check order, each once: the stored text compares equal however it was typed.
        return key, ",".join(c for c in CHECKS if c in names) or "none"
    if key == "bank_guarantee":
        answer = {"yes": "yes", "ja": "yes", "true": "yes", "no": "no", "nei": "no", "false": "no"}.get(value.lower())
        if answer is None:
            raise UserError("reconcile.bad_yes_no", key=key, value=value[:20])
        return key, answer
    raise UserError("reconcile.unknown_setting", key=key)


def update(store: Store, who: Identity, org_number: str, changes: dict[str, str | None]) -> list[SettingRow]:
    """Set (or with ``None`` reset to the default) settings of a client; audited."""
    with store.session() as session:
        client_id = resolve_client(session, who, org_number).id or 0
    normalised: dict[str, str | None] = {}
    for key, value in changes.items():
        if value is None:
            # Only the key is checked: a reset needs no value of its own.
            placeholder = {"service_level": "full", "client_follows_up": "none", "bank_guarantee": "no"}.get(key, "1")
            _normalise(key, {"account": "0", "tolerance": "0"}.get(key.partition(".")[0], placeholder))
            normalised[key] = None
        else:
            k, v = _normalise(key, value)
            normalised[k] = v
    with store.session() as session:
        existing = {r.key: r
                    for r in session.scalars(select(ReconSetting).where(col(ReconSetting.client_id) == client_id))}
        for key, value in normalised.items():
            row = existing.get(key)
            before = row.value if row else None
            if value is None:
                if row is not None:
                    session.delete(row)
            elif row is None:
                session.add(ReconSetting(client_id=client_id, key=key, value=value, updated_at=clock.now(),
                                         updated_by=who.login))
            else:
                row.value, row.updated_at, row.updated_by = value, clock.now(), who.login
            if before != value:
                audit.record(session, actor=who.login, action="reconcile.setting", entity="recon_setting",
                             entity_id=key, client_id=client_id, before={key: before}, after={key: value})
        session.flush()
        return describe(load(session, client_id))
