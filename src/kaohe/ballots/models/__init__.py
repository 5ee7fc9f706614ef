"""Democratic evaluation, public surveys and leader ratings (seeds 002, 003, 004): one module
per area; every model is imported here so Django finds it."""

from kaohe.ballots.models.evaluation import (
    BallotForm,
    Code,
    PendingSheet,
    RaterClass,
    Session,
    SessionStatus,
    SessionTarget,
    Sheet,
    Subject,
)

__all__ = [
    "BallotForm",
    "Code",
    "PendingSheet",
    "RaterClass",
    "Session",
    "SessionStatus",
    "SessionTarget",
    "Sheet",
    "Subject",
]
