"""Settlement after posting (the seed's "automatisk udligning").

Accounts marked for settlement in the posting settings (salary advances, employee loans,
arrears) carry open items per employee (the line's customer). When a posting writes a
line on such an account, it is set against the employee's older open items on the same
account with the opposite sign, oldest first (the posting that wrote them, then the line
order), as far as it reaches: amounts need not match, so an item can stay partly open.
What of a line is still open is ``posted_line.open_amount``; each settled amount is a
``posting_settlement`` row. Lines on the error customer are not an employee's and are
left to the clerk. Runs inside the posting's transaction, so a failed posting settles
nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from byraa.core.agency.identity import Identity
from byraa.core.clients.lookup import resolve_client
from byraa.core.store import Store
from byraa.core.store.models_posting import PostedLine, Posting, PostingSettlement


@dataclass(frozen=True)
class Settled:
    line_id: int
    settled_line_id: int
    account: str
    customer: str
    amount: int
    """Øre taken off the older item (its sign)."""


def _sign(value: int) -> int:
    return 1 if value > 0 else -1


def settle(session: Session, *, client_id: int, posting_id: int, accounts: frozenset[str],
           error_customer: str | None, now: datetime) -> list[Settled]:
    """Settle the posting's new lines on ``accounts`` against older open items; the settlements made."""
    if not accounts:
        return []
    new = list(session.scalars(
        select(PostedLine).where(col(PostedLine.posting_id) == posting_id, col(PostedLine.account).in_(accounts),
                                 col(PostedLine.customer).is_not(None)).order_by(col(PostedLine.id))))
    new = [line for line in new if line.customer != error_customer and line.amount]
    for line in new:
        line.open_amount = line.amount
    session.flush()
    done: list[Settled] = []
    for line in new:
        assert line.id is not None and line.customer is not None
        if not line.open_amount:
            continue
        opposite = col(PostedLine.open_amount) < 0 if line.amount > 0 else col(PostedLine.open_amount) > 0
        older = session.scalars(
            select(PostedLine).join(Posting, col(Posting.id) == col(PostedLine.posting_id))
            .where(col(PostedLine.client_id) == client_id, col(PostedLine.account) == line.account,
                   col(PostedLine.customer) == line.customer, col(PostedLine.id) < line.id, opposite)
            .order_by(col(Posting.posted_at), col(PostedLine.id)).with_for_update(of=PostedLine))
        for item in older:
            assert item.id is not None and item.open_amount is not None
            take = min(abs(line.open_amount), abs(item.open_amount))
            item.open_amount -= _sign(item.open_amount) * take
            line.open_amount -= _sign(line.open_amount) * take
            amount = -_sign(line.amount) * take
            session.add(PostingSettlement(posting_id=posting_id, client_id=client_id, line_id=line.id,
                                          settled_line_id=item.id, amount=amount, settled_at=now))
            done.append(Settled(line.id, item.id, line.account, line.customer, amount))
            if not line.open_amount:
                break
        session.flush()
    return done


@dataclass(frozen=True)
class OpenItem:
    id: int
    voucher: int
    account: str
    customer: str
    amount: int
    open_amount: int
    text: str
    posted_at: datetime


def open_items(session: Session, client_id: int) -> list[OpenItem]:
    """The client's items on settlement accounts that are not (fully) settled, oldest first."""
    rows = session.execute(
        select(PostedLine, col(Posting.posted_at)).join(Posting, col(Posting.id) == col(PostedLine.posting_id))
        .where(col(PostedLine.client_id) == client_id, col(PostedLine.open_amount).is_not(None), col(PostedLine.open_amount) != 0)
        .order_by(col(PostedLine.account), col(PostedLine.customer), col(Posting.posted_at), col(PostedLine.id))).all()
    return [OpenItem(line.id or 0, line.voucher, line.account, line.customer or "", line.amount,
                     line.open_amount or 0, line.text, at) for line, at in rows]


def client_open_items(store: Store, who: Identity, org: str) -> list[OpenItem]:
    """``open_items`` for a client the user may see."""
    with store.session() as session:
        client = resolve_client(session, who, org)
        assert client.id is not None
        return open_items(session, client.id)
