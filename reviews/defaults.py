"""What a new team starts with. Plain data, shared by `create_team` and the data migration."""

CATEGORIES = [
    # slug, name, colour, description
    ("casualty-figures", "Casualty figures", "#ffcc80", "Counts of killed, wounded, captured or displaced people"),
    ("geneva-convention", "Geneva Convention concern", "#90caf9", "Treatment of prisoners of war and civilians"),
    ("attribution-chain", "Attribution chain", "#ce93d8", "Who said it, according to whom, via which outlet"),
]

# slug, label, value, is_scored, colour. Values order the scale; ClaimReview's bestRating and
# worstRating are the highest and lowest scored values, and unscored labels sit outside that range.
RATINGS = [
    ("true", "True", 6, True, "#2e7d32"),
    ("mostly-true", "Mostly true", 5, True, "#689f38"),
    ("mixed", "Mixed", 4, True, "#f9a825"),
    ("misleading", "Misleading", 3, True, "#ef6c00"),
    ("mostly-false", "Mostly false", 2, True, "#e64a19"),
    ("false", "False", 1, True, "#c62828"),
    ("unverifiable", "Unverifiable", 0, False, "#757575"),
]

DEFAULT_TEAM_SLUG = "newsroom"
DEFAULT_TEAM_NAME = "Newsroom"
