"""The JSON API (OpenAPI schema at /api/openapi.json, interactive docs at /api/docs)."""

from django.core.exceptions import PermissionDenied, ValidationError
from ninja import NinjaAPI
from ninja.security import SessionAuth

from tongxin.custody.api import router as custody_router
from tongxin.orgs.api import TokenAuth
from tongxin.orgs.api import router as orgs_router
from tongxin.people.api import router as people_router

api = NinjaAPI(
    title="童心 API",
    version="1.0",
    description="儿童关爱服务平台接口。会话（浏览器登录）或 Bearer 令牌认证；所有数据按角色范围过滤。",
    auth=[SessionAuth(), TokenAuth()],
    urls_namespace="api",
)


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return api.create_response(request, {"detail": str(exc) or "无权访问"}, status=403)


@api.exception_handler(ValidationError)
def _invalid(request, exc):
    detail = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(request, {"detail": detail}, status=422)


api.add_router("/", orgs_router)
api.add_router("/children", people_router)
api.add_router("/custody", custody_router)
