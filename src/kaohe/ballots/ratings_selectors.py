"""Which rounds and ratings a user sees. Ratings are not anonymous to the assessment office
(RATING_MANAGE sees all); a leader (RATING_ENTER) sees only the rounds they rate and only
their own ratings; nobody else sees any."""

from __future__ import annotations

from django.db.models import QuerySet

from kaohe.ballots.models import Rating, RatingRound
from kaohe.core.roles import Action, can


def rating_rounds_for_user(user: object) -> QuerySet[RatingRound]:
    rounds = RatingRound.objects.select_related("year")
    if can(user, Action.RATING_MANAGE):
        return rounds
    if can(user, Action.RATING_ENTER):
        return rounds.filter(raters__pk=getattr(user, "pk", 0))
    return rounds.none()


def ratings_for_user(user: object) -> QuerySet[Rating]:
    ratings = Rating.objects.select_related("round", "unit", "cadre")
    if can(user, Action.RATING_MANAGE):
        return ratings
    if can(user, Action.RATING_ENTER):
        return ratings.filter(rater__pk=getattr(user, "pk", 0))
    return ratings.none()
