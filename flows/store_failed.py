"""A task's answer when the store failed under it: returned, not raised, because Prefect would log a
traceback for what is one line (an expected failure). The flow turns it back into a StoreError
(``unwrap``) and ends ``Failed`` with that line."""

from dataclasses import dataclass
from typing import TypeVar

from pantau.errors import StoreError

T = TypeVar("T")


@dataclass(frozen=True)
class StoreFailed:
    message: str


def unwrap(value: T | StoreFailed) -> T:
    """The task's result, or the StoreError it stood for."""
    if isinstance(value, StoreFailed):
        raise StoreError(value.message)
    return value
