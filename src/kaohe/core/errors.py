from django.core.exceptions import ValidationError


def field_error(field: str, message: str, code: str) -> ValidationError:
    """A ``ValidationError`` for one form field that keeps its code (tests assert on it)."""
    return ValidationError({field: ValidationError(message, code=code)})
