from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "tongxin.care"
    label = "care"
    verbose_name = "留守与困境儿童关爱保护"
