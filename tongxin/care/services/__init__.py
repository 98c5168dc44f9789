"""The care line's writes: each one transaction and one audit entry."""

from .assessments import assessment_add
from .files import (
    census_confirm,
    classify,
    family_change_add,
    file_open,
    file_set_category,
    file_update,
    files_check,
    rederive,
    village_checks,
)
from .ledger import ImportResult, ledger_import
from .pairings import pairing_add, pairing_end
from .records import record_add
from .rule_settings import rule_area, rule_restore, rule_set

__all__ = ["ImportResult", "assessment_add", "census_confirm", "classify", "family_change_add", "file_open", "file_set_category",
           "file_update", "files_check", "ledger_import", "pairing_add", "pairing_end", "record_add", "rederive", "rule_area", "rule_restore", "rule_set",
           "village_checks"]
