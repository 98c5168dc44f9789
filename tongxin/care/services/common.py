"""What the care line's writes share."""

from django.core.exceptions import ValidationError


def clean_text(value: str, label: str, *, limit: int, required: bool = True) -> str:
    """A person's text, stripped, refused in Chinese when missing (if required), holding a NUL (PostgreSQL refuses
    it) or longer than its column."""
    value = (value or "").strip()
    if "\x00" in value:
        raise ValidationError(f"{label}含有无效字符")
    if required and not value:
        raise ValidationError(f"请填写{label}")
    if len(value) > limit:
        raise ValidationError(f"{label}最多 {limit} 字（现有 {len(value)} 字）")
    return value
