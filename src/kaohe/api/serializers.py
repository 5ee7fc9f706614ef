"""Shapes of the JSON API. Serializers validate input and present rows; they never save:
the views hand ``validated_data`` to the services (so writes are audited and checked the
same way as on the pages)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kaohe.orgs.models import (
    AssessmentYear,
    Cadre,
    Duty,
    Posting,
    Role,
    Team,
    Unit,
    UnitCategory,
    UnitFlag,
)
from kaohe.orgs.selectors import categories_for_user, units_for_user
from kaohe.schemes import tree
from kaohe.schemes.models import Indicator, IndicatorSystem, Scheme


@extend_schema_field(OpenApiTypes.INT)
class VisibleUnitField(serializers.PrimaryKeyRelatedField):
    """A unit by id, among the units the requesting user sees (others: "does not exist")."""

    def get_queryset(self) -> Any:
        return units_for_user(self.context["request"].user)


@extend_schema_field(OpenApiTypes.INT)
class VisibleCategoryField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self) -> Any:
        return categories_for_user(self.context["request"].user)


class YearSerializer(serializers.ModelSerializer):
    class Meta:
        model = AssessmentYear
        fields = ("id", "year", "name", "note")


class YearUpdateSerializer(YearSerializer):
    class Meta(YearSerializer.Meta):
        read_only_fields = ("year",)


class CategorySerializer(serializers.ModelSerializer):
    name = serializers.CharField(max_length=50)  # uniqueness: the service says so

    class Meta:
        model = UnitCategory
        fields = ("id", "name", "order", "description")


class TeamBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Team
        fields = ("id", "name", "is_assessed")


class UnitSerializer(serializers.ModelSerializer):
    code = serializers.RegexField(
        r"^[A-Za-z0-9_-]+$",
        max_length=40,
        error_messages={"invalid": _("编码只能包含字母、数字、下划线和短横线")},
    )
    category = VisibleCategoryField()
    parent = VisibleUnitField(required=False, allow_null=True)
    supervisor = VisibleUnitField(required=False, allow_null=True)
    flags = serializers.SlugRelatedField(
        slug_field="name", many=True, required=False, queryset=UnitFlag.objects.all()
    )
    team = TeamBriefSerializer(read_only=True)

    class Meta:
        model = Unit
        fields = (
            "id",
            "code",
            "name",
            "category",
            "parent",
            "supervisor",
            "flags",
            "is_active",
            "order",
            "team",
        )


class TeamSerializer(serializers.ModelSerializer):
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = Team
        fields = ("id", "unit", "unit_code", "unit_name", "name", "is_assessed")
        read_only_fields = ("unit",)


class PostingSerializer(serializers.ModelSerializer):
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    duties = serializers.ListField(child=serializers.ChoiceField(Duty.choices), read_only=True)

    class Meta:
        model = Posting
        fields = (
            "id",
            "unit",
            "unit_code",
            "post",
            "role",
            "duties",
            "is_primary",
            "start_date",
            "end_date",
        )
        read_only_fields = fields


class NewPostingSerializer(serializers.Serializer):
    unit = VisibleUnitField()
    post = serializers.CharField(max_length=100)
    role = serializers.ChoiceField(Role.choices, default=Role.MEMBER)
    duties = serializers.ListField(
        child=serializers.ChoiceField(Duty.choices), required=False, default=list
    )
    start_date = serializers.DateField()


class TransferSerializer(serializers.Serializer):
    unit = VisibleUnitField()
    post = serializers.CharField(max_length=100)
    role = serializers.ChoiceField(Role.choices, default=Role.MEMBER)
    duties = serializers.ListField(
        child=serializers.ChoiceField(Duty.choices), required=False, default=list
    )
    on = serializers.DateField(help_text=_("新职务的任职日期；原主要职务在前一天免去"))


class CadreSerializer(serializers.ModelSerializer):
    postings = PostingSerializer(many=True, read_only=True)
    first_posting = NewPostingSerializer(
        write_only=True, required=False, help_text=_("新增干部时的现任职务")
    )

    class Meta:
        model = Cadre
        fields = (
            "id",
            "name",
            "gender",
            "birth_date",
            "rank",
            "retired_on",
            "note",
            "postings",
            "first_posting",
        )


class SchemeSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="year.year", read_only=True)
    version = serializers.IntegerField(
        source="current_version.number", read_only=True, allow_null=True
    )

    class Meta:
        model = Scheme
        fields = (
            "id",
            "year",
            "suite",
            "code",
            "name",
            "subject",
            "preset",
            "status",
            "version",
            "updated_at",
        )
        read_only_fields = fields


class IndicatorSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True)
    responsible_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    lead_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Indicator
        fields = ("code", *tree.FIELDS)
        read_only_fields = fields


class IndicatorSystemSerializer(serializers.ModelSerializer):
    category_name = serializers.CharField(source="category.name", read_only=True)
    version = serializers.IntegerField(
        source="current_version.number", read_only=True, allow_null=True
    )

    class Meta:
        model = IndicatorSystem
        fields = (
            "id",
            "scheme",
            "category",
            "category_name",
            "name",
            "total_points",
            "status",
            "version",
            "updated_at",
        )
        read_only_fields = fields


class IndicatorSystemDetailSerializer(IndicatorSystemSerializer):
    indicators = IndicatorSerializer(many=True, read_only=True)

    class Meta(IndicatorSystemSerializer.Meta):
        fields = (*IndicatorSystemSerializer.Meta.fields, "indicators")
        read_only_fields = fields
