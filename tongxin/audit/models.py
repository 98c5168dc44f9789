from django.conf import settings
from django.db import models


class AuditEntry(models.Model):
    """Who read or changed which sensitive record, when, from where and why. Never holds the values."""

    class Action(models.TextChoices):
        VIEW = "view", "查看"
        CREATE = "create", "新增"
        UPDATE = "update", "修改"
        DELETE = "delete", "删除"
        EXPORT = "export", "导出"
        LOGIN = "login", "登录"
        LOGIN_FAILED = "login_failed", "登录失败"
        LOGIN_LOCKED = "login_locked", "登录锁定"
        PASSWORD_CHANGE = "password_change", "修改密码"
        LOGOUT = "logout", "退出"

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField("操作人姓名", max_length=64, blank=True)
    action = models.CharField("动作", max_length=16, choices=Action.choices, db_index=True)
    target_type = models.CharField("对象类型", max_length=64, blank=True, db_index=True)
    target_id = models.CharField("对象编号", max_length=64, blank=True)
    target_repr = models.CharField("对象", max_length=128, blank=True)
    child_id = models.BigIntegerField("相关儿童编号", null=True, blank=True, db_index=True)
    fields = models.JSONField("涉及字段", default=list, blank=True)
    children = models.JSONField("涉及儿童编号（列表）", default=list, blank=True)
    reason = models.CharField("事由", max_length=255, blank=True)
    ip = models.GenericIPAddressField("来源IP", null=True, blank=True)
    user_agent = models.CharField("客户端", max_length=255, blank=True)
    path = models.CharField("请求路径", max_length=255, blank=True)
    channel = models.CharField("渠道", max_length=16, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "审计日志"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target_idx")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.get_action_display()} {self.target_repr}"
