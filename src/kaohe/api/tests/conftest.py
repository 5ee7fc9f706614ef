"""The schemes tests' fixtures (a published 镇街 system the scorer sees, a 县直部门 one it
does not) are used here too."""

from kaohe.schemes.tests.conftest import (  # noqa: F401
    dept_system,
    discipline,
    party,
    town_system,
    year,
)
