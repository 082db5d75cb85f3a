"""What a new team starts with. Plain data, shared by `create_team` and the data migration."""

CATEGORIES = [
    # slug, name, colour, description
    ("casualty-figures", "Casualty figures", "#ffcc80", "Counts of killed, wounded, captured or displaced people"),
    ("geneva-convention", "Geneva Convention concern", "#90caf9", "Treatment of prisoners of war and civilians"),
    ("attribution-chain", "Attribution chain", "#ce93d8", "Who said it, according to whom, via which outlet"),
]

# slug, label, value, is_scored. Values order the scale; ClaimReview's bestRating and
# worstRating are the highest and lowest scored values, and unscored labels sit outside that range.
RATINGS = [
    ("true", "True", 6, True),
    ("mostly-true", "Mostly true", 5, True),
    ("mixed", "Mixed", 4, True),
    ("misleading", "Misleading", 3, True),
    ("mostly-false", "Mostly false", 2, True),
    ("false", "False", 1, True),
    ("unverifiable", "Unverifiable", 0, False),
]

# The detector's kinds of suggestion, and the default category each becomes when accepted.
KIND_CATEGORY = {
    "casualty": "casualty-figures",
    "geneva": "geneva-convention",
    "attribution": "attribution-chain",
}

DEFAULT_TEAM_SLUG = "newsroom"
DEFAULT_TEAM_NAME = "Newsroom"
