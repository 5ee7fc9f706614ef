from django.db import models


class OrgError(models.TextChoices):
    """Codes of the validation errors raised by the orgs services (tests assert on them)."""

    CODE_TAKEN = "code_taken"
    NAME_TAKEN = "name_taken"
    PARENT_CYCLE = "parent_cycle"
    SUPERVISOR_SELF = "supervisor_self"
    CATEGORY_IN_USE = "category_in_use"
    DATES_REVERSED = "dates_reversed"
    OVERLAPPING = "overlapping"
    NOT_CURRENT = "not_current"
    TRANSFER_BEFORE_START = "transfer_before_start"
    UNKNOWN_DUTY = "unknown_duty"
    ALREADY_CLOSED = "already_closed"
    NOT_IN_TEAM = "not_in_team"
    IMPLAUSIBLE_DATE = "implausible_date"
    BEFORE_BIRTH = "before_birth"
    BAD_ID_NUMBER = "bad_id_number"
    ID_NUMBER_TAKEN = "id_number_taken"
