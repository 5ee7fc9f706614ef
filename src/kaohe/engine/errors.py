"""The engine's one error type: bad input, named by its place."""

from __future__ import annotations

from kaohe.engine.messages import message


class ScenarioError(Exception):
    """A scenario that cannot be evaluated.

    ``path`` names the place (``schemes[0].targets[3].inputs.leader``), ``code`` is a
    key of the message catalogue that tests assert on, ``params`` fill its placeholders.
    """

    def __init__(self, path: str, code: str, **params: object) -> None:
        self.path = path
        self.code = code
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: str = "zh") -> str:
        text = message(self.code, lang, **self.params)
        if not self.path:
            return text
        return f"{self.path}: {text}"
