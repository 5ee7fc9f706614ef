"""The demo's forms: one finished batch of every form for one town, so the forms page shows
a batch to download (``kaohe demo`` calls it after the year is graded)."""

from __future__ import annotations

from django.utils import timezone

from kaohe.results.models import DocumentBatch, DocumentForm, RunStatus


def documents_demo_load(*, year: int) -> DocumentBatch | None:
    """Make every form of ``year`` for the first town that has graded cadres (nothing when
    the year has no finished run, or a batch was made already)."""
    from kaohe.core.models import User
    from kaohe.core.roles import Role
    from kaohe.orgs.models import AssessmentYear, Posting, Unit
    from kaohe.results.documents import document_batch_build, year_standings

    the_year = AssessmentYear.objects.filter(year=year).first()
    if the_year is None or DocumentBatch.objects.filter(year=the_year).exists():
        return None
    cadres = {s.cadre_id for s in year_standings(the_year).standings if s.cadre_id}
    if not cadres:
        return None
    units = Posting.objects.filter(cadre_id__in=cadres, is_primary=True).values("unit_id")
    town = (
        Unit.objects.filter(pk__in=units, category__name="镇街").order_by("order", "code").first()
    )
    if town is None:
        return None
    batch = DocumentBatch.objects.create(
        year=the_year, forms=list(DocumentForm.values), scope="unit", unit=town,
        created_by=User.objects.filter(role=Role.OFFICE_ADMIN).order_by("pk").first(),
        created_at=timezone.now(),
    )  # fmt: skip
    document_batch_build(batch=batch)
    return batch if batch.status == RunStatus.DONE else None
