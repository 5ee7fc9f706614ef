"""The year's work: one module per area (periods, reports and evidence, scoring, warnings
and rectification, notices); every model is imported here so Django finds it."""

from kaohe.collection.models.evidence import Attachment, FileKind, OwnerType
from kaohe.collection.models.field_checks import (
    DeductionStatus,
    FieldCheck,
    FieldCheckDeduction,
    FieldCheckMethod,
)
from kaohe.collection.models.notices import Notice
from kaohe.collection.models.periods import Period, PeriodKind, PeriodStatus, ReportKind
from kaohe.collection.models.reports import Report, ReportEvent, ReportEventKind, ReportStatus
from kaohe.collection.models.scoring import ScoreEntry
from kaohe.collection.models.warnings import (
    LetterTemplate,
    PeriodWarning,
    RankEntry,
    Ranking,
    Rectification,
    RectificationStatus,
)

__all__ = [
    "Attachment",
    "DeductionStatus",
    "FieldCheck",
    "FieldCheckDeduction",
    "FieldCheckMethod",
    "FileKind",
    "LetterTemplate",
    "Notice",
    "OwnerType",
    "Period",
    "PeriodKind",
    "PeriodStatus",
    "PeriodWarning",
    "RankEntry",
    "Ranking",
    "Rectification",
    "RectificationStatus",
    "Report",
    "ReportEvent",
    "ReportEventKind",
    "ReportKind",
    "ReportStatus",
    "ScoreEntry",
]
