"""French number formats: « 1 000 » with a narrow no-break space (U+202F), the
French typographic rule, where Django's default is a full no-break space."""

THOUSAND_SEPARATOR = "\u202f"
DECIMAL_SEPARATOR = ","
NUMBER_GROUPING = 3
