"""The JSON API: one viewset per record, the same roles table and selectors as the pages.

A viewset names ``read_action`` and ``write_action`` (checked by ``RoleAllows``); its rows
come from the model's selector, so another unit's row is a 404. Writes call the services.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from kaohe.api import serializers as shapes
from kaohe.core.roles import Action
from kaohe.orgs import services
from kaohe.orgs.models import Posting, Secondment
from kaohe.orgs.selectors import (
    cadres_for_user,
    categories_for_user,
    investigations_for_user,
    secondments_for_user,
    teams_for_user,
    units_for_user,
    village_assignments_for_user,
    years_for_user,
)
from kaohe.schemes.models import Indicator
from kaohe.schemes.selectors import indicator_systems_for_user, schemes_for_user


def run(service: Callable[..., Any], **kwargs: Any) -> Any:
    """Call a service; its ``ValidationError`` becomes a 400 with the same fields."""
    try:
        return service(**kwargs)
    except DjangoValidationError as error:
        detail = error.message_dict if hasattr(error, "error_dict") else error.messages
        raise serializers.ValidationError(detail) from None


class ReadViewSet(viewsets.ReadOnlyModelViewSet):
    read_action: Action
    write_action: Action | None = None
    selector: Callable[[Any], QuerySet]

    def get_queryset(self) -> QuerySet:
        return type(self).selector(self.request.user)


class CreateViewSet(mixins.CreateModelMixin, ReadViewSet):
    """Create with ``create_row`` (through the service); no change or deletion."""

    http_method_names: tuple[str, ...] = ("get", "post", "head", "options")

    def create_row(self, data: dict[str, Any]) -> Any:
        raise NotImplementedError

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = self.create_row(dict(serializer.validated_data))


class WriteViewSet(mixins.UpdateModelMixin, CreateViewSet):
    """Create with ``create_row``, change with ``update_row``; PUT is a full update and
    PATCH a partial one, both through the service."""

    http_method_names = ("get", "post", "put", "patch", "head", "options")

    def update_row(self, row: Any, data: dict[str, Any]) -> Any:
        raise NotImplementedError

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = self.update_row(serializer.instance, dict(serializer.validated_data))


class YearViewSet(WriteViewSet):
    """Assessment years (考核年度)."""

    read_action, write_action = Action.DASHBOARD_VIEW, Action.YEAR_EDIT
    selector = staticmethod(years_for_user)

    def get_serializer_class(self) -> Any:
        if self.action in ("update", "partial_update"):
            return shapes.YearUpdateSerializer
        return shapes.YearSerializer

    def create_row(self, data: dict[str, Any]) -> Any:
        return run(services.year_create, actor=self.request.user, **data)

    def update_row(self, row: Any, data: dict[str, Any]) -> Any:
        return run(services.year_update, actor=self.request.user, year=row, **data)


class CategoryViewSet(WriteViewSet):
    """Unit categories (单位类别)."""

    read_action, write_action = Action.CATEGORY_VIEW, Action.CATEGORY_EDIT
    selector = staticmethod(categories_for_user)
    serializer_class = shapes.CategorySerializer

    def create_row(self, data: dict[str, Any]) -> Any:
        return run(services.category_create, actor=self.request.user, **data)

    def update_row(self, row: Any, data: dict[str, Any]) -> Any:
        return run(services.category_update, actor=self.request.user, category=row, **data)


class UnitViewSet(WriteViewSet):
    """Units (单位); creating one creates its leadership team."""

    read_action, write_action = Action.UNIT_VIEW, Action.UNIT_EDIT
    serializer_class = shapes.UnitSerializer

    def get_queryset(self) -> QuerySet:
        return units_for_user(self.request.user).select_related("team").prefetch_related("flags")

    def create_row(self, data: dict[str, Any]) -> Any:
        return run(services.unit_create, actor=self.request.user, **data)

    def update_row(self, row: Any, data: dict[str, Any]) -> Any:
        flags = data.pop("flags", None)
        run(services.unit_update, actor=self.request.user, unit=row, flags=flags, **data)
        return self.get_queryset().get(pk=row.pk)


class TeamViewSet(mixins.UpdateModelMixin, ReadViewSet):
    """Leadership teams (领导班子): one per unit, made with it; their name and whether they
    are assessed can change."""

    read_action, write_action = Action.UNIT_VIEW, Action.UNIT_EDIT
    selector = staticmethod(teams_for_user)
    serializer_class = shapes.TeamSerializer
    http_method_names = ("get", "put", "patch", "head", "options")

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = run(
            services.team_update,
            actor=self.request.user,
            team=serializer.instance,
            **serializer.validated_data,
        )


class CadreViewSet(WriteViewSet):
    """Cadres (干部) with their postings (任职), current and past."""

    read_action, write_action = Action.CADRE_VIEW, Action.CADRE_EDIT
    serializer_class = shapes.CadreSerializer

    def get_queryset(self) -> QuerySet:
        return cadres_for_user(self.request.user).prefetch_related(
            Prefetch("postings", queryset=Posting.objects.select_related("unit")),
            Prefetch("secondments", queryset=Secondment.objects.select_related("host")),
            "village_assignments",
            "investigations",
        )

    def create_row(self, data: dict[str, Any]) -> Any:
        return run(services.cadre_create, actor=self.request.user, **data)

    def update_row(self, row: Any, data: dict[str, Any]) -> Any:
        data.pop("first_posting", None)
        run(services.cadre_update, actor=self.request.user, cadre=row, **data)
        return self.get_queryset().get(pk=row.pk)

    @extend_schema(request=shapes.TransferSerializer, responses={201: shapes.PostingSerializer})
    @action(detail=True, methods=["post"])
    def transfer(self, request: Request, pk: str | None = None) -> Response:
        """Move the cadre: the current primary posting ends the day before ``on``."""
        cadre = self.get_object()
        shape = shapes.TransferSerializer(data=request.data, context=self.get_serializer_context())
        shape.is_valid(raise_exception=True)
        posting = run(
            services.cadre_transfer, actor=request.user, cadre=cadre, **shape.validated_data
        )
        return Response(shapes.PostingSerializer(posting).data, status=status.HTTP_201_CREATED)


@extend_schema_view(list=extend_schema(parameters=[shapes.CadreFilterSerializer]))
class CadreRecordViewSet(CreateViewSet):
    """A dated record of a cadre (挂职, 驻村, 立案审查), seen with the cadre: created, then
    ended or closed, never edited or deleted. ``?cadre=<id>`` lists one cadre's records."""

    read_action, write_action = Action.CADRE_VIEW, Action.CADRE_EDIT
    creator: Callable[..., Any]  # the service that creates a row

    def create_row(self, data: dict[str, Any]) -> Any:
        return run(type(self).creator, actor=self.request.user, **data)

    def get_queryset(self) -> QuerySet:
        rows = super().get_queryset()
        if self.action == "list":
            query = shapes.CadreFilterSerializer(data=self.request.query_params)
            query.is_valid(raise_exception=True)
            if "cadre" in query.validated_data:
                rows = rows.filter(cadre_id=query.validated_data["cadre"])
        return rows

    def finish(
        self, shape: type[serializers.Serializer], service: Callable[..., Any], name: str
    ) -> Response:
        """End or close the row: ``service`` takes it as ``name`` and the body ``shape``
        validates."""
        row = self.get_object()
        body = shape(data=self.request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        run(service, actor=self.request.user, **{name: row}, **body.validated_data)
        return Response(self.get_serializer(row).data)


class SecondmentViewSet(CadreRecordViewSet):
    """Secondments (挂职): a cadre works in a host unit for a period."""

    selector, creator = staticmethod(secondments_for_user), services.secondment_create
    serializer_class = shapes.SecondmentSerializer

    @extend_schema(request=shapes.EndDateSerializer, responses={200: shapes.SecondmentSerializer})
    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk: str | None = None) -> Response:
        """End the secondment on ``end_date`` (its last day)."""
        return self.finish(shapes.EndDateSerializer, services.secondment_end, "secondment")


class VillageAssignmentViewSet(CadreRecordViewSet):
    """Village-team stints (驻村工作队): the cadre is assessed with the team."""

    selector, creator = (
        staticmethod(village_assignments_for_user),
        services.village_assignment_create,
    )
    serializer_class = shapes.VillageAssignmentSerializer

    @extend_schema(
        request=shapes.EndDateSerializer, responses={200: shapes.VillageAssignmentSerializer}
    )
    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk: str | None = None) -> Response:
        """End the stint on ``end_date`` (its last day)."""
        return self.finish(shapes.EndDateSerializer, services.village_assignment_end, "assignment")


class InvestigationViewSet(CadreRecordViewSet):
    """Investigations (立案审查): while one is open the cadre is assessed but not graded.
    Creating one opens it."""

    selector, creator = staticmethod(investigations_for_user), services.investigation_open
    serializer_class = shapes.InvestigationSerializer

    @extend_schema(
        request=shapes.InvestigationCloseSerializer, responses={200: shapes.InvestigationSerializer}
    )
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        """Close the case on ``closed_on`` with its ``outcome``."""
        return self.finish(
            shapes.InvestigationCloseSerializer, services.investigation_close, "investigation"
        )


class SchemeViewSet(ReadViewSet):
    """Assessment schemes (考核方案), read only."""

    read_action = Action.SCHEME_VIEW
    selector = staticmethod(schemes_for_user)
    serializer_class = shapes.SchemeSerializer


class IndicatorSystemViewSet(ReadViewSet):
    """Indicator systems (指标体系), read only; one system comes with its indicators."""

    read_action = Action.INDICATOR_VIEW
    selector = staticmethod(indicator_systems_for_user)

    def get_queryset(self) -> QuerySet:
        systems = indicator_systems_for_user(self.request.user)
        if self.action == "retrieve":
            indicators = Indicator.objects.select_related("parent", "responsible_unit", "lead_unit")
            systems = systems.prefetch_related(Prefetch("indicators", queryset=indicators))
        return systems

    def get_serializer_class(self) -> Any:
        if self.action == "retrieve":
            return shapes.IndicatorSystemDetailSerializer
        return shapes.IndicatorSystemSerializer
