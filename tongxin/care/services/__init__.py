"""The care line's writes: each one transaction and one audit entry."""

from .assessments import assessment_add
from .care_settings import care_settings_restore, care_settings_set, settings_area
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

__all__ = ["ImportResult", "assessment_add", "care_settings_restore", "care_settings_set", "census_confirm", "classify", "family_change_add", "file_open", "file_set_category",
           "file_update", "files_check", "ledger_import", "pairing_add", "pairing_end", "record_add", "rederive", "rule_area", "rule_restore", "rule_set",
           "settings_area", "village_checks"]
