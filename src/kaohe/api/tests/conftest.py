"""The schemes tests' fixtures (a published 镇街 system the scorer sees, a 县直部门 one it
does not) are used here too; ``tokens``: a key for each user of the cast, by role, and
``api(key)`` a client that sends it."""

import pytest
from rest_framework.test import APIClient

from kaohe.schemes.tests.conftest import (  # noqa: F401
    dept_system,
    discipline,
    party,
    town_system,
    year,
)


@pytest.fixture
def tokens(cast):
    from kaohe.api.services import token_create

    return {
        role: token_create(actor=cast.admin, user=user, name=f"{role} system")[1]
        for role, user in cast.users().items()
    }


def api(key=None):
    client = APIClient()
    if key:
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client
