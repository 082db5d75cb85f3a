"""Claim assistance: the detector, figures, attribution chains and cross-article matching.

Pure text in, plain data out; nothing in this package reads or writes the database, so the
management commands can run it on files and the services can run it on articles alike.
"""

from reviews.detect.detector import ATTRIBUTION, CASUALTY, CATEGORIES, GENEVA, Candidate, detect

__all__ = ["ATTRIBUTION", "CASUALTY", "CATEGORIES", "GENEVA", "Candidate", "detect"]
