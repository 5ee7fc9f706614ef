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
from kaohe.ballots.models.ratings import (
    Rating,
    RatingGrade,
    RatingRound,
    RatingStatus,
    RatingSubject,
)
from kaohe.ballots.models.surveys import (
    AnswerChannel,
    Survey,
    SurveyAnswer,
    SurveyAnswerHolding,
    SurveyArea,
    SurveyCode,
    SurveyIndex,
    SurveyKind,
    SurveyQuestion,
    SurveyStatus,
)

__all__ = [
    "AnswerChannel",
    "BallotForm",
    "Code",
    "PendingSheet",
    "RaterClass",
    "Rating",
    "RatingGrade",
    "RatingRound",
    "RatingStatus",
    "RatingSubject",
    "Session",
    "SessionStatus",
    "SessionTarget",
    "Sheet",
    "Subject",
    "Survey",
    "SurveyAnswer",
    "SurveyAnswerHolding",
    "SurveyArea",
    "SurveyCode",
    "SurveyIndex",
    "SurveyKind",
    "SurveyQuestion",
    "SurveyStatus",
]
