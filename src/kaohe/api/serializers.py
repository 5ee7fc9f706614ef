"""Shapes of the JSON API. Serializers validate input and present rows; they never save:
the views hand ``validated_data`` to the services (so writes are audited and checked the
same way as on the pages)."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kaohe.core.text import refuse_control_characters
from kaohe.orgs.models import (
    AssessmentYear,
    Cadre,
    Duty,
    Investigation,
    Posting,
    Role,
    Secondment,
    Team,
    Unit,
    UnitCategory,
    UnitFlag,
    VillageAssignment,
)
from kaohe.orgs.selectors import cadres_for_user, categories_for_user, units_for_user
from kaohe.orgs.services import CADRE_FIELDS
from kaohe.schemes import tree
from kaohe.schemes.models import Indicator, IndicatorSystem, Scheme


def _check_text(field: serializers.Field) -> None:
    """Give a writable text field the control-character check: one line, or several for a
    field shown as a text area (a model ``TextField``)."""
    if isinstance(field, serializers.ListField):
        _check_text(field.child)
    elif isinstance(field, serializers.CharField) and not field.read_only:
        multiline = field.style.get("base_template") == "textarea.html"
        field.validators.append(partial(refuse_control_characters, multiline=multiline))


class TextChecked:
    """Mixin for every serializer of the API: each writable text field refuses control
    characters (``kaohe.core.text``), so the API stores none, as the forms do."""

    def get_fields(self) -> dict[str, serializers.Field]:
        fields: dict[str, serializers.Field] = super().get_fields()  # type: ignore[misc]
        for field in fields.values():
            _check_text(field)
        return fields


class Serializer(TextChecked, serializers.Serializer):
    pass


class ModelSerializer(TextChecked, serializers.ModelSerializer):
    pass


@extend_schema_field(OpenApiTypes.INT)
class VisibleUnitField(serializers.PrimaryKeyRelatedField):
    """A unit by id, among the units the requesting user sees (others: "does not exist")."""

    def get_queryset(self) -> Any:
        return units_for_user(self.context["request"].user)


@extend_schema_field(OpenApiTypes.INT)
class VisibleCategoryField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self) -> Any:
        return categories_for_user(self.context["request"].user)


@extend_schema_field(OpenApiTypes.INT)
class VisibleCadreField(serializers.PrimaryKeyRelatedField):
    """A cadre by id, among the cadres the requesting user sees."""

    def get_queryset(self) -> Any:
        return cadres_for_user(self.context["request"].user)


class YearSerializer(ModelSerializer):
    class Meta:
        model = AssessmentYear
        fields: tuple[str, ...] = ("id", "year", "name", "note")


class YearUpdateSerializer(YearSerializer):
    class Meta(YearSerializer.Meta):
        read_only_fields = ("year",)


class CategorySerializer(ModelSerializer):
    name = serializers.CharField(max_length=50)  # uniqueness: the service says so

    class Meta:
        model = UnitCategory
        fields = ("id", "name", "order", "description")


class TeamBriefSerializer(ModelSerializer):
    class Meta:
        model = Team
        fields = ("id", "name", "is_assessed")


class UnitSerializer(ModelSerializer):
    code = serializers.RegexField(
        r"^[A-Za-z0-9_-]+$",
        max_length=40,
        error_messages={"invalid": _("编码只能包含字母、数字、下划线和短横线")},
    )
    category = VisibleCategoryField()
    # declared fields leave the class (SerializerMetaclass), so this is not Field.parent
    parent = VisibleUnitField(required=False, allow_null=True)  # type: ignore[assignment]
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


class TeamSerializer(ModelSerializer):
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = Team
        fields = ("id", "unit", "unit_code", "unit_name", "name", "is_assessed")
        read_only_fields = ("unit",)


class PostingSerializer(ModelSerializer):
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
            "order",
        )
        read_only_fields = fields


class NewPostingSerializer(Serializer):
    unit = VisibleUnitField()
    post = serializers.CharField(max_length=100)
    role = serializers.ChoiceField(Role.choices, default=Role.MEMBER)
    duties = serializers.ListField(
        child=serializers.ChoiceField(Duty.choices), required=False, default=list
    )
    start_date = serializers.DateField()
    order = serializers.IntegerField(
        min_value=0, max_value=32767, default=0, help_text=_("同一职务次序内的排序，小的在前")
    )


class TransferSerializer(Serializer):
    unit = VisibleUnitField()
    post = serializers.CharField(max_length=100)
    role = serializers.ChoiceField(Role.choices, default=Role.MEMBER)
    duties = serializers.ListField(
        child=serializers.ChoiceField(Duty.choices), required=False, default=list
    )
    on = serializers.DateField(help_text=_("新职务的任职日期；原主要职务在前一天免去"))
    order = serializers.IntegerField(
        min_value=0, max_value=32767, default=0, help_text=_("同一职务次序内的排序，小的在前")
    )


# ---- a cadre's secondments, village-team stints and investigations ----------------------
# Created, then ended or closed; never edited or deleted, so the history stays.


class CadreRecordSerializer(ModelSerializer):
    """A record of a cadre, who is named by id among the cadres the user sees."""

    cadre = VisibleCadreField()
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)


class SecondmentSerializer(CadreRecordSerializer):
    """挂职: ``end_date`` empty while it lasts."""

    host: serializers.Field = VisibleUnitField()
    host_code = serializers.CharField(source="host.code", read_only=True)
    host_name = serializers.CharField(source="host.name", read_only=True)

    class Meta:
        model = Secondment
        fields: tuple[str, ...] = (
            "id",
            "cadre",
            "cadre_name",
            "level",
            "host",
            "host_code",
            "host_name",
            "start_date",
            "end_date",
        )


class VillageAssignmentSerializer(CadreRecordSerializer):
    """驻村工作队: ``end_date`` empty while it lasts."""

    class Meta:
        model = VillageAssignment
        fields: tuple[str, ...] = ("id", "cadre", "cadre_name", "village", "start_date", "end_date")


class InvestigationSerializer(CadreRecordSerializer):
    """立案审查: opened with ``cadre`` and ``opened_on``; closing fills the rest."""

    class Meta:
        model = Investigation
        fields: tuple[str, ...] = ("id", "cadre", "cadre_name", "opened_on", "closed_on", "outcome")
        read_only_fields: tuple[str, ...] = ("closed_on", "outcome")


class CadreSecondmentSerializer(SecondmentSerializer):
    """A secondment as listed inside its cadre."""

    host: serializers.Field = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta(SecondmentSerializer.Meta):
        fields = ("id", "level", "host", "host_code", "host_name", "start_date", "end_date")
        read_only_fields = fields


class CadreVillageAssignmentSerializer(VillageAssignmentSerializer):
    class Meta(VillageAssignmentSerializer.Meta):
        fields = ("id", "village", "start_date", "end_date")
        read_only_fields = fields


class CadreInvestigationSerializer(InvestigationSerializer):
    class Meta(InvestigationSerializer.Meta):
        fields = ("id", "opened_on", "closed_on", "outcome")
        read_only_fields = fields


class EndDateSerializer(Serializer):
    end_date = serializers.DateField(help_text=_("最后一天；不能早于开始日期"))


class InvestigationCloseSerializer(Serializer):
    closed_on = serializers.DateField(help_text=_("结案日期；不能早于立案日期"))
    outcome = serializers.CharField(max_length=200)


class CadreFilterSerializer(Serializer):
    """The query of the lists of a cadre's records."""

    cadre = serializers.IntegerField(
        required=False, min_value=1, help_text=_("只列出该干部（编号）的记录")
    )


class CadreSerializer(ModelSerializer):
    postings = PostingSerializer(many=True, read_only=True)
    secondments = CadreSecondmentSerializer(many=True, read_only=True)
    village_assignments = CadreVillageAssignmentSerializer(many=True, read_only=True)
    investigations = CadreInvestigationSerializer(many=True, read_only=True)
    first_posting = NewPostingSerializer(
        write_only=True, required=False, help_text=_("新增干部时的现任职务")
    )

    class Meta:
        model = Cadre
        fields = (
            "id",
            *CADRE_FIELDS,  # what the cadre services write, in their order
            "postings",
            "secondments",
            "village_assignments",
            "investigations",
            "first_posting",
        )


class SchemeSerializer(ModelSerializer):
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


class IndicatorSerializer(ModelSerializer):
    # declared fields leave the class (SerializerMetaclass), so this is not Field.parent
    parent: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(  # type: ignore[assignment]
        slug_field="code", read_only=True
    )
    responsible_unit: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    lead_unit: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )

    class Meta:
        model = Indicator
        fields = ("code", *tree.FIELDS)
        read_only_fields = fields


class IndicatorSystemSerializer(ModelSerializer):
    category_name = serializers.CharField(source="category.name", read_only=True)
    version = serializers.IntegerField(
        source="current_version.number", read_only=True, allow_null=True
    )

    class Meta:
        model = IndicatorSystem
        fields: tuple[str, ...] = (
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
        read_only_fields: tuple[str, ...] = fields


class IndicatorSystemDetailSerializer(IndicatorSystemSerializer):
    indicators = IndicatorSerializer(many=True, read_only=True)

    class Meta(IndicatorSystemSerializer.Meta):
        fields = (*IndicatorSystemSerializer.Meta.fields, "indicators")
        read_only_fields = fields
