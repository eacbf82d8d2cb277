"""Mingde's content library: questions, banks, quizzes, competitions; loading, grading, draws.

Public API::

    load_catalog(path) -> Catalog      every file of a content folder, with .errors
    load_quiz(path) -> Quiz            one self-contained quiz file
    draw_paper(quiz, seed) -> Paper    the questions of one attempt, reproducible from the seed
    grade(quiz_or_paper, responses) -> Grade
"""

from quizzes.catalog import Catalog, competition_problems, load_catalog
from quizzes.errors import ContentError, ContentProblem, DrawError, MingdeError, ResponseError
from quizzes.grading import Grade, QuestionResult, grade, score_question
from quizzes.loading import load_bank, load_quiz
from quizzes.model import Assessment, Bank, Draw, LiveCompetition, Option, Question, Quiz, Round, Team, Tiebreak
from quizzes.paper import Paper, PaperQuestion, draw_paper

__all__ = [
    "Assessment",
    "Bank",
    "Catalog",
    "ContentError",
    "ContentProblem",
    "Draw",
    "DrawError",
    "Grade",
    "LiveCompetition",
    "MingdeError",
    "Option",
    "Paper",
    "PaperQuestion",
    "Question",
    "QuestionResult",
    "Quiz",
    "ResponseError",
    "Round",
    "Team",
    "Tiebreak",
    "competition_problems",
    "draw_paper",
    "grade",
    "load_bank",
    "load_catalog",
    "load_quiz",
    "score_question",
]
