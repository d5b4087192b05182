"""The course's ``common`` package for a learner's file checked by ``nablab check``: a file written for
the course (``from common.layers import Affine``) imports nablab's transcription of it (course.py)."""
