"""How personal numbers look to someone who may not see them in full."""


def mask_id_number(number: str) -> str:
    """3201**********1234: region prefix and last four stay, the birth date and sequence are hidden."""
    if not number:
        return ""
    if len(number) <= 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def mask_phone(number: str) -> str:
    """138****5678."""
    if not number:
        return ""
    if len(number) < 7:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


def mask_address(address: str) -> str:
    """Keep the first part (township, village) and hide the house number."""
    if not address:
        return ""
    keep = max(len(address) - 6, len(address) // 2)
    return address[:keep] + "****"
