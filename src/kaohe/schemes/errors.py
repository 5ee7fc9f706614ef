from django.db import models


class SchemeError(models.TextChoices):
    """Codes of the validation errors raised by the schemes services (tests assert on them)."""

    ENGINE = "engine"  # the engine refused the definition; the message names the place
    CODE_TAKEN = "code_taken"
    NAME_TAKEN = "name_taken"  # a name is unique within a year's suite
    CODE_CHANGED = "code_changed"
    SUITE_EXISTS = "suite_exists"
    NOT_DRAFT = "not_draft"
    TRANSITION = "transition"
    SCHEME_LOCKED = "scheme_locked"
    CATEGORY_TAKEN = "category_taken"
    TREE = "tree"  # an indicator tree that does not hold together (points, parents, codes)
    PARENT = "parent"
    NOT_PUBLISHED = "not_published"
    REASON_REQUIRED = "reason_required"
    NO_CHANGES = "no_changes"
    NOT_RESPONSIBLE = "not_responsible"
    IMPORT = "import"
