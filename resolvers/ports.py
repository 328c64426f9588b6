"""The types the GraphQL layer may hold without touching persistence itself."""

from collections.abc import Callable

from persistence.unit_of_work import UnitOfWork, UnitOfWorkFactory
from subscriptions.hub import EventHub

UnitOfWorkFactoryFor = Callable[[str], UnitOfWorkFactory]
"""Given a tenant id, the factory of that tenant's units of work."""

__all__ = ["EventHub", "UnitOfWork", "UnitOfWorkFactory", "UnitOfWorkFactoryFor"]
