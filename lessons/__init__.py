"""Lessons: the model and loading of lesson files.

``quizzes`` is imported first on purpose: lessons share its field types and error classes, and
``quizzes.catalog`` in turn loads lessons.
"""

import quizzes  # noqa: F401  (load order, see above)
from lessons.loading import load_lesson
from lessons.model import Lesson, Section

__all__ = ["Lesson", "Section", "load_lesson"]
