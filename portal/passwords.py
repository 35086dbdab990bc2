"""Django's password validators with Vietnamese messages.

Django's Vietnamese catalogue lacks the plural message of MinimumLengthValidator, so people read
“This password is too short…” in English; the four validators are kept in one place here.
"""

from django.contrib.auth import password_validation as django_validators
from django.core.exceptions import ValidationError


class MinimumLengthValidator(django_validators.MinimumLengthValidator):
    def validate(self, password, user=None):
        if len(password) < self.min_length:
            raise ValidationError(
                f"Mật khẩu quá ngắn: cần ít nhất {self.min_length} ký tự.",
                code="password_too_short",
                params={"min_length": self.min_length},
            )

    def get_help_text(self):
        return f"Mật khẩu phải có ít nhất {self.min_length} ký tự."


class UserAttributeSimilarityValidator(django_validators.UserAttributeSimilarityValidator):
    def validate(self, password, user=None):
        try:
            super().validate(password, user)
        except ValidationError:
            raise ValidationError(
                "Mật khẩu quá giống tên đăng nhập, họ tên hoặc thư điện tử của bạn.",
                code="password_too_similar",
            ) from None

    def get_help_text(self):
        return "Mật khẩu không được giống tên đăng nhập, họ tên hoặc thư điện tử."


class CommonPasswordValidator(django_validators.CommonPasswordValidator):
    def validate(self, password, user=None):
        try:
            super().validate(password, user)
        except ValidationError:
            raise ValidationError(
                "Mật khẩu này quá phổ biến, dễ bị đoán.", code="password_too_common"
            ) from None

    def get_help_text(self):
        return "Mật khẩu không được là mật khẩu phổ biến."


class NumericPasswordValidator(django_validators.NumericPasswordValidator):
    def validate(self, password, user=None):
        if password.isdigit():
            raise ValidationError(
                "Mật khẩu không được chỉ gồm chữ số.", code="password_entirely_numeric"
            )

    def get_help_text(self):
        return "Mật khẩu không được chỉ gồm chữ số."
