# ruff: noqa: RUF012  (migration: class-level lists are Django's convention)
"""Failed logins counted per (address, username), and per address (empty username)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("core", "0006_login_throttle_clear_per_username_counts")]

    operations = [
        migrations.AddField(
            model_name="loginthrottle",
            name="address",
            field=models.CharField(default="", max_length=64, verbose_name="来源地址"),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="loginthrottle",
            name="username",
            field=models.CharField(blank=True, max_length=150, verbose_name="用户名"),
        ),
        migrations.AddConstraint(
            model_name="loginthrottle",
            constraint=models.UniqueConstraint(
                fields=("address", "username"), name="core_login_throttle_address_username"
            ),
        ),
    ]
