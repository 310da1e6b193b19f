"""Every write to cycles, assessments, responses and answers, one module to a job.

Keyword-only arguments, the acting user as ``by``, one transaction, an audit record. The
audit never holds an answer: only that a response was submitted. Callers import from
here; the modules are quarters, answers, results and erasure.
"""

from assessments.actions.answers import AnswerInput as AnswerInput
from assessments.actions.answers import answers_save as answers_save
from assessments.actions.answers import page_version as page_version
from assessments.actions.answers import response_submit as response_submit
from assessments.actions.answers import unanswered_questions as unanswered_questions
from assessments.actions.erasure import ERASED_NAME as ERASED_NAME
from assessments.actions.erasure import person_erase as person_erase
from assessments.actions.quarters import assessment_close as assessment_close
from assessments.actions.quarters import assessment_open as assessment_open
from assessments.actions.quarters import assessment_reopen as assessment_reopen
from assessments.actions.quarters import board_remind as board_remind
from assessments.actions.quarters import cycle_create as cycle_create
from assessments.actions.quarters import cycle_for_quarter as cycle_for_quarter
from assessments.actions.quarters import targets_set as targets_set
from assessments.actions.results import results_publish as results_publish
from assessments.actions.results import results_refresh as results_refresh
from assessments.actions.results import results_write as results_write
from assessments.errors import AnswersChanged as AnswersChanged
from assessments.errors import AnswersIncomplete as AnswersIncomplete
from assessments.errors import AssessmentError as AssessmentError
from assessments.errors import AssessmentNotOpen as AssessmentNotOpen
