"""International exchange activities in a report narrative (issue 3), as pure functions.

`extract_activities(narrative, home_names=…, known_localities=…)` returns the `activities[]` rows of the
record (docs/record.md); `learn_partner_localities` learns {locality: country} across a corpus and
`extract_corpus` runs the two passes (extract, learn, extract again with what was learned).
"""

from transforms.activities.corpus import extract_corpus, home_names_for, learn_partner_localities
from transforms.activities.extract import extract_activities

__all__ = ["extract_activities", "extract_corpus", "home_names_for", "learn_partner_localities"]
