"""The questionnaire: a board member's pages, answers, check and submit."""
