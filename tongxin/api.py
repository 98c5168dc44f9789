"""The JSON API (OpenAPI schema at /api/openapi.json, interactive docs at /api/docs)."""

from django.core.exceptions import PermissionDenied, ValidationError
from ninja import NinjaAPI
from ninja.errors import ValidationError as SchemaValidationError
from ninja.security import SessionAuth

from tongxin.care.api import router as care_router
from tongxin.custody.api import router as custody_router
from tongxin.notifications.api import router as notices_router
from tongxin.nursery.api import router as nursery_router
from tongxin.orgs.api import TokenAuth
from tongxin.orgs.api import router as orgs_router
from tongxin.people.api import router as people_router

api = NinjaAPI(
    title="童心 API",
    version="1.0",
    description="儿童关爱服务平台接口。会话（浏览器登录）或 Bearer 令牌认证；所有数据按角色范围过滤。"
                "参数不合要求时返回 400，detail 为中文说明，errors 按参数列出。",
    auth=[SessionAuth(), TokenAuth()],
    urls_namespace="api",
)


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return api.create_response(request, {"detail": str(exc) or "无权访问"}, status=403)


def _bad_request(request, errors: dict[str, list[str]]):
    sentence = "；".join(f"{name}：{'，'.join(msgs)}" if name != "__all__" else "，".join(msgs)
                        for name, msgs in errors.items())
    return api.create_response(request, {"detail": f"请求不正确：{sentence}", "errors": errors}, status=400)


@api.exception_handler(ValidationError)
def _invalid(request, exc):
    """A service refused the input by its rules."""
    return _bad_request(request, exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages})


@api.exception_handler(SchemaValidationError)
def _invalid_parameters(request, exc):
    """A parameter or body does not fit its schema (django-ninja answers 422 by default)."""
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        errors.setdefault(_parameter_name(error.get("loc", ())), []).append(schema_error_text(error))
    return _bad_request(request, errors)


def _parameter_name(loc) -> str:
    names = [str(part) for part in loc[1:] if not isinstance(part, int)]  # loc[0] is "query", "path", "body"…
    if len(names) > 1 and loc[0] == "body":
        names = names[1:]  # the body parameter's own name says nothing to a reader
    return ".".join(names) or "__all__"


def schema_error_text(error: dict) -> str:
    """A pydantic error in Chinese."""
    ctx = error.get("ctx") or {}
    kind = error.get("type", "")
    texts = {
        "missing": "必填",
        "int_parsing": "应为整数", "int_type": "应为整数", "int_from_float": "应为整数",
        "float_parsing": "应为数字", "float_type": "应为数字", "decimal_parsing": "应为数字",
        "finite_number": "应为有限的数字",
        "bool_parsing": "应为 true 或 false", "bool_type": "应为 true 或 false",
        "date_parsing": "日期格式应为 YYYY-MM-DD", "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD",
        "datetime_parsing": "时间格式应为 YYYY-MM-DDTHH:MM", "datetime_from_date_parsing": "时间格式应为 YYYY-MM-DDTHH:MM",
        "time_parsing": "时间格式应为 HH:MM",
        "string_type": "应为文本", "string_pattern_mismatch": "含有不允许的字符",
        "json_invalid": "请求体不是有效的 JSON", "model_attributes_type": "应为对象",
        "list_type": "应为列表", "dict_type": "应为对象",
    }
    if kind in texts:
        return texts[kind]
    if kind in ("greater_than_equal", "greater_than"):
        return f"不能小于 {ctx.get('ge', ctx.get('gt'))}" if kind == "greater_than_equal" else f"应大于 {ctx.get('gt')}"
    if kind in ("less_than_equal", "less_than"):
        return f"不能大于 {ctx.get('le')}" if kind == "less_than_equal" else f"应小于 {ctx.get('lt')}"
    if kind == "string_too_long":
        return f"最多 {ctx.get('max_length')} 个字符"
    if kind == "string_too_short":
        return f"至少 {ctx.get('min_length')} 个字符"
    if kind in ("literal_error", "enum"):
        return f"应为以下之一：{str(ctx.get('expected', '')).replace(' or ', '、')}"
    if kind in ("value_error", "assertion_error") and ctx.get("error"):
        return str(ctx["error"])  # a validator's own message
    return "格式不正确"


api.add_router("/", orgs_router)
api.add_router("/children", people_router)
api.add_router("/custody", custody_router)
api.add_router("/care", care_router)
api.add_router("/notices", notices_router)
api.add_router("/nursery", nursery_router)
