"""common/util.py of the course, as nablab's transcription (nablab.checker.course)."""
from nablab.checker.course import *  # noqa: F401,F403
