"""WCAG 2 contrast ratios, for the tests that check colours."""


def _luminance(rgb):
    def channel(value):
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(v) for v in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def hex_to_rgb(value):
    value = value.lstrip("#")
    return tuple(int(value[i : i + 2], 16) for i in (0, 2, 4))


def contrast(first, second):
    """The contrast ratio of two colours, as (r, g, b) tuples or « #rrggbb »."""
    first, second = (
        hex_to_rgb(c) if isinstance(c, str) else c for c in (first, second)
    )
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
