"""What the rules refuse, with messages written for the person who tried."""


class AssessmentError(Exception):
    """A write the rules do not allow; the message is written for the person who tried."""


class AssessmentNotOpen(AssessmentError):
    pass


class AnswersIncomplete(AssessmentError):
    """A submitted response would lose its answer to these questions."""

    def __init__(self, questions: list):
        super().__init__("A submitted response must keep an answer to every question.")
        self.questions = questions


class AnswersChanged(AssessmentError):
    """The page's answers were saved from somewhere else (another tab) after this copy of
    the page was loaded, and what was typed differs from them."""

    def __init__(self, saved: dict, version: str):
        super().__init__("These answers changed in another tab or window after you opened it.")
        self.saved = saved  # question → the saved Answer, or None where none is saved now
        self.version = version
