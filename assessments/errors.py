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
