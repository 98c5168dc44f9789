from ninja import Router, Schema
from ninja.security import HttpBearer

from . import services
from .selectors import describe_assignments


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        user = services.authenticate_token(token)
        if user is not None:
            request.user = user
        return user


router = Router(tags=["账号"])


class AssignmentOut(Schema):
    role: str
    role_label: str
    scope: str


class MeOut(Schema):
    username: str
    name: str
    assignments: list[AssignmentOut]


@router.get("/me", response=MeOut, summary="当前用户及其角色范围")
def me(request):
    user = request.auth
    return {"username": user.username, "name": user.display_name, "assignments": describe_assignments(user)}
