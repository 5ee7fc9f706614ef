"""Proposals and decisions: a party committee proposes its cadres' grades and the ordered
优秀 list, the engine checks them (errors block, warnings need a reason), the office
returns or accepts them, and the decision makes them the standing grades and locks them.

The fixture ``annual`` is a small seed-004 suite graded from a written snapshot: 青山镇
(team 优秀: 25% of its 8 cadres = 2 优秀 slots) with m1 96, m2 94 (no 优秀 in its leader
ratings), m3 93, m4 91, m5 89.9, …; 白水镇 (team 一般); the two principals in the 单列 list."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from kaohe.conftest import PASSWORD
from kaohe.core.models import AuditEntry
from kaohe.results import jsonout, outcomes, proposals, services
from kaohe.results.models import (
    ComponentScore,
    FinalGrade,
    GradeSource,
    Outcome,
    OutcomeStatus,
    Proposal,
    ProposalStatus,
    Run,
    RunStatus,
)
from kaohe.results.proposals import Entry

D = Decimal
SCORES = {  # name → (score, leader ratings)
    "m1": ("96", ["优秀", "良好"]),
    "m2": ("94", ["良好"]),
    "m3": ("93", ["优秀"]),
    "m4": ("91", ["优秀"]),
    "m5": ("89.9", ["优秀"]),
    "m6": ("85", ["良好"]),
    "m7": ("75", ["良好"]),
    "m8": ("55", ["一般"]),
}


@dataclass
class Annual:
    outcome: Any
    run: Any
    team: Any
    cadre: Any
    cadres: dict[str, Any]
    committee: Any  # 青山镇's party committee
    group: str  # 青山镇's group in the cadre scheme

    def final(self, name: str) -> FinalGrade:
        return FinalGrade.objects.get(outcome=self.outcome, cadre=self.cadres[name])

    def entries(self, **grades: str) -> dict[int, Entry]:
        """青山镇's entries: the computed grades, with ``grades`` (name → grade) instead."""
        found = {}
        for final in proposals.group_finals(self.outcome, self.cadre, self.group):
            name = next(n for n, c in self.cadres.items() if c.pk == final.cadre_id)
            found[final.pk] = Entry(grades.get(name, final.grade))
        return found


def annual_document(
    schemes: dict[str, Any], cast: Any, cadres: dict[str, Any], third: Any
) -> dict[str, Any]:
    ua, ub, uc = f"u{cast.unit_a.pk}", f"u{cast.unit_b.pk}", f"u{third.pk}"
    team, cadre = f"s{schemes['team'].pk}", f"s{schemes['cadre'].pk}"
    entity = [
        {"id": f"c{c.pk}", "name": c.name, "unit": ua} for n, c in cadres.items() if n[0] == "m"
    ]
    entity += [
        {"id": f"c{cadres['p1'].pk}", "name": cadres["p1"].name, "unit": ua, "role": "principal"},
        {"id": f"c{cadres['n1'].pk}", "name": cadres["n1"].name, "unit": ub},
        {"id": f"c{cadres['p2'].pk}", "name": cadres["p2"].name, "unit": ub, "role": "principal"},
    ]
    targets = [
        {"id": f"c{cadres[n].pk}", "inputs": {"score": D(s), "leader_ratings": r}}
        for n, (s, r) in SCORES.items()
    ] + [
        {"id": f"c{cadres['p1'].pk}", "inputs": {"score": D(95), "leader_ratings": ["优秀"]}},
        {"id": f"c{cadres['n1'].pk}", "inputs": {"score": D(80), "leader_ratings": ["良好"]}},
        {"id": f"c{cadres['p2'].pk}", "inputs": {"score": D(91), "leader_ratings": ["优秀"]}},
    ]
    grades = {"优秀": D("0.25"), "一般": D("0.20"), "较差": D("0.15")}
    return {
        "format": "kaohe-scenario/1",
        "year": 2024,
        "entities": {
            "units": [
                {"id": ua, "name": "青山镇", "category": "镇街"},
                {"id": ub, "name": "白水镇", "category": "镇街"},
                {"id": uc, "name": "红石镇", "category": "镇街"},
            ],
            "cadres": entity,
        },
        "schemes": [
            {
                "id": team, "name": "领导班子年度考核", "subject": "team",
                "grades": ["优秀", "良好", "一般", "较差"],
                "bands": {"优秀": 90, "良好": 80, "一般": 60},
                "quotas": [{"grade": "优秀", "ratio": D("0.34"), "soft": True}],
                "targets": [{"id": ua, "inputs": {"score": D(92)}}, {"id": ub, "inputs": {"score": D(65)}},
                            {"id": uc, "inputs": {"score": D(91)}}],
            },
            {
                "id": cadre, "name": "领导干部年度考核", "subject": "cadre",
                "grades": ["优秀", "称职", "基本称职", "不称职"],
                "bands": {"优秀": 90, "称职": 60, "基本称职": 40},
                "policy": {"quota_rounding": "floor", "ties_at_cutoff": "hold"},
                "quotas": [{"grade": "优秀", "ratio": D("0.20"),
                            "ratio_by_grade_of": {"scheme": team, "grades": grades}}],
                "rules": [
                    {"id": "leader_rating_excellent",
                     "when": {"input": "leader_ratings", "lacks": "优秀"}, "then": {"cap": "称职"}},
                    {"id": "principal_of_general_team", "soft": True,
                     "when": {"all": [{"role": "principal"},
                                      {"grade_of": {"scheme": team, "of": "unit", "is": "一般"}}]},
                     "then": {"cap": "称职"}},
                ],
                "targets": targets,
            },
        ],
    }  # fmt: skip


@dataclass
class AnnualYear:
    """The seed-004 suite's year before it is graded: its schemes (draft), cadres (keys of
    ``SCORES``, ``p1``/``p2`` the principals, ``n1`` 白水镇's), 红石镇 and 青山镇's committee."""

    year: Any
    schemes: dict[str, Any]
    cadres: dict[str, Any]
    third: Any
    committee: Any


def annual_year(cast: Any) -> AnnualYear:
    from kaohe.core.roles import Role as UserRole
    from kaohe.core.services import user_create
    from kaohe.orgs import services as orgs
    from kaohe.orgs.models import Role
    from kaohe.schemes.services import scheme_create_from_preset
    from kaohe.schemes.tests import factories

    year = factories.year_2024()
    schemes = {
        s.code: s
        for s in scheme_create_from_preset(actor=None, year=year, preset_id="seed004-annual")
    }
    start = dt.date(2020, 1, 1)

    def cadre(name: str, unit: Any, principal: bool = False) -> Any:
        posting = {"unit": unit, "post": "党委书记" if principal else "副镇长", "start_date": start}
        if principal:
            posting["role"] = Role.PRINCIPAL
        return orgs.cadre_create(actor=None, name=name, first_posting=posting)

    third = orgs.unit_create(actor=None, code="hongshi", name="红石镇", category=cast.town_category)
    cadres = {name: cadre(f"干部{name}", cast.unit_a) for name in SCORES}
    cadres |= {"p1": cadre("书记p1", cast.unit_a, True), "n1": cadre("干部n1", cast.unit_b),
               "p2": cadre("书记p2", cast.unit_b, True)}  # fmt: skip
    committee = user_create(
        actor=None, username="dangwei", password=PASSWORD, role=UserRole.PARTY_COMMITTEE,
        unit=cast.unit_a, validate=False,
    )  # fmt: skip
    return AnnualYear(year, schemes, cadres, third, committee)


# as in annual_document, with 县委组织部's team last so that the seed's 30% of four teams
# gives the one 优秀 team of the document's 34% of three
TEAM_SCORES = {"a": "92", "b": "65", "third": "91", "org": "50"}
OTHERS = {"p1": ("95", ["优秀"]), "n1": ("80", ["良好"]), "p2": ("91", ["优秀"])}


def annual_inputs(cast: Any, made: AnnualYear) -> None:
    """The inputs of ``annual_document`` entered as the office enters them, for the year
    to be graded on the web: the cadre scheme's 测评分值 read from an imported input
    ``score`` (the meeting tallied on paper: its ``ballots`` section removed, a new version
    of the draft), the suite published, the teams' summed 测评 results and the cadres' 测评
    scores imported (``ComponentScore`` ``score``) and the county leader's ratings in closed
    cadre rounds (Q1, then Y for a second grade); the other units' teams not assessed and the
    cast's two cadres moved away in June (posted on 12-31: only ``annual_year``'s)."""
    from kaohe.ballots import ratings
    from kaohe.ballots.models import RatingStatus
    from kaohe.ballots.tests.survey_factories import rating_round
    from kaohe.orgs.models import Posting, Team
    from kaohe.orgs.services import posting_end
    from kaohe.results.tests.conftest import component
    from kaohe.schemes.services import scheme_set_status, scheme_update

    cadre = made.schemes["cadre"]
    definition = {k: v for k, v in cadre.current_version.definition.items() if k != "ballots"}
    definition["score"] = {"sum": [{"weight": 1, "of": "score"}]}
    text = json.dumps(definition, ensure_ascii=False, default=str)
    made.schemes["cadre"] = scheme_update(actor=None, scheme=cadre, text=text, note="测评分值导入")
    for code, scheme in made.schemes.items():
        made.schemes[code] = scheme_set_status(actor=None, scheme=scheme, status="published")
    units = {"a": cast.unit_a, "b": cast.unit_b, "third": made.third, "org": cast.responsible_unit}
    Team.objects.exclude(unit__in=units.values()).update(is_assessed=False)
    for posting in Posting.objects.filter(cadre__in=[cast.cadre_a, cast.cadre_b]):
        posting_end(actor=None, posting=posting, end_date=dt.date(2024, 6, 30))  # moved away
    for key, value in TEAM_SCORES.items():
        component(made.schemes["team"], units[key], "score", value)
    inputs = SCORES | OTHERS
    for name, (score, _ratings) in inputs.items():
        ComponentScore.objects.create(
            scheme=made.schemes["cadre"], cadre=made.cadres[name], input_name="score",
            value=D(score), updated_at=timezone.now(),
        )  # fmt: skip
    for place, period in enumerate(("Q1", "Y")):
        graded = {made.cadres[n]: r[place] for n, (_s, r) in inputs.items() if len(r) > place}
        round_ = rating_round([cast.leader], cadres=list(graded), period=period)
        ratings.ratings_save(actor=cast.leader, round=round_,
                             values={c.pk: g for c, g in graded.items()})  # fmt: skip
        ratings.rating_round_set_status(actor=cast.admin, round=round_, status=RatingStatus.CLOSED)


def annual_outcome(cast: Any, *, open_outcome: bool = True) -> Annual:
    made = annual_year(cast)
    schemes, cadres = made.schemes, made.cadres
    snapshot = jsonout.dumps(annual_document(schemes, cast, cadres, made.third))
    with transaction.atomic():
        run = Run.objects.create(
            year=made.year, suite=schemes["cadre"].suite, status=RunStatus.RUNNING,
            snapshot=snapshot, created_by=cast.admin, created_at=timezone.now(),
        )  # fmt: skip
        run.versions.set([v for s in schemes.values() if (v := s.current_version) is not None])
        services.run_store(run=run, result=services.grade_snapshot(snapshot))
    outcome = outcomes.outcome_open(actor=cast.admin, run=run) if open_outcome else None
    return Annual(outcome, run, schemes["team"], schemes["cadre"], cadres, made.committee,
                  f"u{cast.unit_a.pk}")  # fmt: skip


@pytest.fixture
def annual(cast) -> Annual:
    return annual_outcome(cast)


def problems_of(annual: Annual, **grades: str) -> dict[str, list[tuple[str, str]]]:
    """name → [(rule, severity)] for 青山镇 proposed as computed, with ``grades`` instead."""
    proposed = {
        (annual.cadre.pk, f"c{annual.cadres[name].pk}"): grade for name, grade in grades.items()
    }
    found = proposals.proposals_check(annual.run, proposed)
    names = {f"c{c.pk}": n for n, c in annual.cadres.items()}
    return {
        names[target]: [(p.rule, p.severity) for p in items]
        for (_scheme, target), items in found.items()
    }


def test_the_computed_grades_are_the_engines(annual):
    grades = {n: annual.final(n).grade for n in SCORES}
    assert grades == {"m1": "优秀", "m2": "称职", "m3": "优秀", "m4": "称职", "m5": "称职",
                      "m6": "称职", "m7": "称职", "m8": "基本称职"}  # fmt: skip
    assert annual.final("m1").row.group == annual.group


def test_the_engine_names_the_proposal_beyond_the_quota_and_those_its_rules_forbid(annual):
    found = problems_of(annual, m1="优秀", m3="优秀", m4="优秀", m2="优秀", m5="优秀")
    assert found["m2"] == [("leader_rating_excellent", "error")]
    assert ("band", "error") in found["m5"]
    assert ("quota:优秀", "error") in found["m4"]
    assert "m1" not in found  # m3 too is past the slots: proposals are taken by score
    assert problems_of(annual, m1="优秀", m3="优秀") == {}
    assert problems_of(annual, m1="称职") == {}  # lower than computed: allowed


def test_a_proposal_with_an_error_is_saved_but_not_submitted_until_fixed(annual):
    proposal = proposals.proposal_save(
        actor=annual.committee, outcome=annual.outcome, scheme=annual.cadre, group=annual.group,
        entries=annual.entries(m4="优秀"),
    )  # fmt: skip
    assert proposal.status == ProposalStatus.DRAFT
    with pytest.raises(ValidationError) as refused:
        proposals.proposal_submit(actor=annual.committee, proposal=proposal)
    assert refused.value.code == "proposal_errors"
    assert any("干部m4" in text and "优秀" in text for text in refused.value.messages)

    proposals.proposal_save(
        actor=annual.committee, outcome=annual.outcome, scheme=annual.cadre, group=annual.group,
        entries=annual.entries(m4="称职"),
    )  # fmt: skip
    proposal = proposals.proposal_submit(actor=annual.committee, proposal=proposal)
    assert proposal.status == ProposalStatus.SUBMITTED and proposal.submitted_by == annual.committee
    saves = AuditEntry.objects.filter(action="proposal.save").order_by("pk")
    assert [e.after["grades"].get(f"c{annual.cadres['m4'].pk}") for e in saves] == ["优秀", "称职"]
    with pytest.raises(ValidationError) as locked:
        proposals.proposal_save(
            actor=annual.committee, outcome=annual.outcome, scheme=annual.cadre,
            group=annual.group, entries=annual.entries(),
        )  # fmt: skip
    assert locked.value.code == "proposal_locked"


def test_a_warning_needs_a_written_reason(cast, annual):
    group = FinalGrade.objects.get(outcome=annual.outcome, unit=cast.unit_a).row.group
    finals = list(proposals.group_finals(annual.outcome, annual.team, group))
    qingshan = next(f for f in finals if f.row.name == "红石镇")
    assert qingshan.grade == "良好"  # 优秀 by its score; 34% of 3 teams is one slot (青山镇)
    entries = {f.pk: Entry(f.grade) for f in finals} | {qingshan.pk: Entry("优秀")}
    proposal = proposals.proposal_save(actor=cast.team_member, outcome=annual.outcome,
                                       scheme=annual.team, group=group, entries=entries)  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        proposals.proposal_submit(actor=cast.team_member, proposal=proposal)
    assert refused.value.code == "reason_required"
    entries[qingshan.pk] = Entry("优秀", "全年工作成效突出，县委研究同意上调")
    proposals.proposal_save(actor=cast.team_member, outcome=annual.outcome, scheme=annual.team,
                            group=group, entries=entries)  # fmt: skip
    assert (
        proposals.proposal_submit(actor=cast.team_member, proposal=proposal).status == "submitted"
    )


def test_unknown_grades_repeated_places_and_grades_of_pending_targets_are_refused(annual):
    with pytest.raises(ValidationError) as refused:
        proposals.proposal_save(
            actor=annual.committee, outcome=annual.outcome, scheme=annual.cadre,
            group=annual.group, entries=annual.entries(m1="优良"),
        )  # fmt: skip
    assert "优良" in " ".join(refused.value.messages)
    entries = annual.entries()
    entries[annual.final("m1").pk] = Entry("优秀", order=1)
    entries[annual.final("m3").pk] = Entry("优秀", order=1)
    with pytest.raises(ValidationError) as repeated:
        proposals.proposal_save(actor=annual.committee, outcome=annual.outcome,
                                scheme=annual.cadre, group=annual.group, entries=entries)  # fmt: skip
    assert "干部m3" in " ".join(repeated.value.messages)


def test_the_excellent_list_follows_the_proposal_order_else_the_rank(annual):
    assert [f.cadre_id for f in proposals.excellent_list(annual.outcome, annual.cadre, annual.group)] == [
        annual.cadres["m1"].pk, annual.cadres["m3"].pk,
    ]  # fmt: skip
    entries = annual.entries()
    entries[annual.final("m3").pk] = Entry("优秀", order=1)
    entries[annual.final("m1").pk] = Entry("优秀", order=2)
    proposals.proposal_save(actor=annual.committee, outcome=annual.outcome, scheme=annual.cadre,
                            group=annual.group, entries=entries)  # fmt: skip
    listed = proposals.excellent_list(annual.outcome, annual.cadre, annual.group)
    assert [f.cadre_id for f in listed] == [annual.cadres["m3"].pk, annual.cadres["m1"].pk]
    everyone = proposals.excellent_list(annual.outcome, annual.cadre)
    assert everyone[:2] == listed  # other groups by rank after (单列: no slot, none)


def submitted(annual: Annual, **grades: str) -> Proposal:
    proposal = proposals.proposal_save(
        actor=annual.committee, outcome=annual.outcome, scheme=annual.cadre, group=annual.group,
        entries=annual.entries(**grades),
    )  # fmt: skip
    return proposals.proposal_submit(actor=annual.committee, proposal=proposal)


def test_the_office_returns_a_proposal_with_a_reason_and_it_can_be_corrected(cast, annual):
    proposal = submitted(annual, m1="称职")
    with pytest.raises(ValidationError):
        proposals.proposal_return(actor=cast.admin, proposal=proposal, reason=" ")
    proposal = proposals.proposal_return(actor=cast.admin, proposal=proposal, reason="m1 请说明")
    assert (proposal.status, proposal.return_reason) == ("returned", "m1 请说明")
    assert submitted(annual, m1="优秀").status == ProposalStatus.SUBMITTED


def test_deciding_is_refused_while_a_proposal_is_unsubmitted_or_wrong_and_says_which(cast, annual):
    proposals.proposal_save(
        actor=annual.committee, outcome=annual.outcome, scheme=annual.cadre, group=annual.group,
        entries=annual.entries(m4="优秀"),
    )  # fmt: skip
    with pytest.raises(ValidationError) as pending:
        proposals.outcome_decide(actor=cast.admin, outcome=annual.outcome, decision_ref="常委会")
    assert pending.value.code == "proposals_pending"
    assert any("青山镇" in text for text in pending.value.messages)
    Proposal.objects.update(status=ProposalStatus.SUBMITTED)  # as if submitted before a change
    with pytest.raises(ValidationError) as wrong:
        proposals.outcome_decide(actor=cast.admin, outcome=annual.outcome, decision_ref="常委会")
    assert wrong.value.code == "proposal_errors"
    assert any("青山镇" in t and "干部m4" in t for t in wrong.value.messages)
    with pytest.raises(ValidationError):
        proposals.outcome_decide(actor=cast.admin, outcome=annual.outcome, decision_ref=" ")
    assert Outcome.objects.get().status == OutcomeStatus.GRADED


def test_the_decision_makes_the_accepted_grades_standing_and_locks_them(cast, annual):
    submitted(annual, m1="称职")  # lower than computed: allowed
    outcome = proposals.outcome_decide(
        actor=cast.admin, outcome=annual.outcome, decision_ref="县委常委会 2025-01-20"
    )
    assert outcome.status == OutcomeStatus.DECIDED and outcome.decided_by == cast.admin
    m1 = annual.final("m1")
    assert (m1.computed_grade, m1.grade, m1.source) == ("优秀", "称职", GradeSource.DECISION)
    assert [(c.old_grade, c.new_grade, c.reason) for c in m1.changes.all()] == [
        ("优秀", "称职", "审定：县委常委会 2025-01-20")
    ]
    assert FinalGrade.objects.filter(source=GradeSource.DECISION).count() == 1  # only where differ
    assert Proposal.objects.get().status == ProposalStatus.ACCEPTED
    with pytest.raises(ValidationError) as locked:
        proposals.proposal_save(actor=cast.admin, outcome=outcome, scheme=annual.cadre,
                                group=annual.group, entries=annual.entries())  # fmt: skip
    assert locked.value.code == "outcome_locked"
    with pytest.raises(ValidationError):
        proposals.outcome_reopen(actor=cast.admin, outcome=outcome, reason="")
    outcome = proposals.outcome_reopen(actor=cast.admin, outcome=outcome, reason="常委会复议")
    assert outcome.status == OutcomeStatus.GRADED
    assert Proposal.objects.get().status == ProposalStatus.SUBMITTED
    assert annual.final("m1").grade == "称职"  # the history stays


# ---- the pages ------------------------------------------------------------------------------


def edit_url(
    annual: Annual, group: str | None = None, scheme: Any = None, name: str = "proposal_edit"
) -> str:
    scheme = scheme or annual.cadre
    return reverse(f"results:{name}", args=[annual.outcome.pk, scheme.pk, group or annual.group])


def form_data(annual: Annual, **grades: str) -> dict[str, str]:
    return {f"grade-{pk}": entry.grade for pk, entry in annual.entries(**grades).items()}


def test_a_party_committee_sees_only_its_units_cadres(client, cast, annual):
    client.force_login(annual.committee)
    assert client.get(edit_url(annual)).status_code == 200
    assert client.get(edit_url(annual, f"u{cast.unit_b.pk}")).status_code == 404
    assert client.get(edit_url(annual, "单列")).status_code == 404
    assert client.get(edit_url(annual, annual.group, annual.team)).status_code == 404
    assert (
        client.post(edit_url(annual, f"u{cast.unit_b.pk}", name="proposal_check")).status_code
        == 404
    )
    assert (
        client.get(reverse("results:outcome_detail", args=[annual.outcome.pk])).status_code == 403
    )
    listed = client.get(reverse("results:outcome_list")).content.decode()
    assert "青山镇" in listed and "白水镇" not in listed and "单列" not in listed
    page = client.get(edit_url(annual)).content.decode()
    assert "干部m1" in page and "干部n1" not in page


def test_the_page_checks_as_typed_and_shows_the_error_beside_the_row(client, annual):
    client.force_login(annual.committee)
    response = client.post(edit_url(annual, name="proposal_check"), form_data(annual, m4="优秀"),
                           headers={"HX-Request": "true"})  # fmt: skip
    body = response.content.decode()
    m4 = annual.final("m4").pk
    cell = body.split(f'id="check-{m4}"')[1].split("</td>")[0]
    assert "优秀" in cell and "错误" in cell
    assert 'hx-swap-oob="true"' in body
    assert not Proposal.objects.exists()  # checking saves nothing

    refused = client.post(edit_url(annual), form_data(annual, m4="优秀") | {"action": "submit"})
    assert refused.status_code == 200 and "不能提交" in refused.content.decode()
    assert Proposal.objects.get().status == ProposalStatus.DRAFT
    done = client.post(edit_url(annual), form_data(annual) | {"action": "submit"})
    assert done.status_code == 302
    assert Proposal.objects.get().status == ProposalStatus.SUBMITTED


def test_the_office_decides_from_the_outcome_page(client, cast, annual):
    submitted(annual)
    client.force_login(cast.admin)
    url = reverse("results:outcome_decide", args=[annual.outcome.pk])
    client.post(url, {"decision_ref": "县委常委会第 3 次会议"})
    assert Outcome.objects.get().status == OutcomeStatus.DECIDED
    page = client.get(reverse("results:outcome_detail", args=[annual.outcome.pk])).content.decode()
    assert "县委常委会第 3 次会议" in page and "撤回审定" in page


def test_the_run_page_offers_to_base_the_outcome_on_a_finished_run(client, cast, annual):
    client.force_login(cast.admin)
    page = client.get(reverse("results:run_detail", args=[annual.run.pk])).content.decode()
    assert reverse("results:outcome_detail", args=[annual.outcome.pk]) in page
    Outcome.objects.all().delete()
    page = client.get(reverse("results:run_detail", args=[annual.run.pk])).content.decode()
    assert "以此计算为依据" in page
    response = client.post(reverse("results:outcome_open", args=[annual.run.pk]))
    outcome = Outcome.objects.get()
    assert response.url == reverse("results:outcome_detail", args=[outcome.pk])


def test_the_pages_queries_do_not_grow_with_the_rows(
    client, cast, annual, django_assert_max_num_queries
):
    submitted(annual)
    client.force_login(cast.admin)
    with django_assert_max_num_queries(14):
        assert (
            client.get(reverse("results:outcome_detail", args=[annual.outcome.pk])).status_code
            == 200
        )
    with django_assert_max_num_queries(16):
        assert client.get(edit_url(annual)).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("results:outcome_list")).status_code == 200
    client.force_login(annual.committee)
    with django_assert_max_num_queries(14):
        assert (
            client.post(edit_url(annual, name="proposal_check"), form_data(annual)).status_code
            == 200
        )


def test_basing_the_outcome_on_another_run_discards_the_proposals_made_on_the_first(cast, annual):
    submitted(annual, m1="称职")
    with transaction.atomic():
        again = Run.objects.create(
            year=annual.run.year, suite=annual.run.suite, status=RunStatus.RUNNING,
            snapshot=annual.run.snapshot, created_by=cast.admin, created_at=timezone.now(),
        )  # fmt: skip
        services.run_store(run=again, result=services.grade_snapshot(again.snapshot))
    outcome = proposals.outcome_base(actor=cast.admin, run=again)
    assert outcome.run == again and not Proposal.objects.exists()
    assert AuditEntry.objects.filter(action="proposal.discard").count() == 1
    assert outcome.grades.count() == again.rows.count()


def test_the_years_inputs_entered_on_the_site_grade_as_the_written_snapshot(cast):
    """``annual_inputs`` (the year graded on the web) and ``annual_document`` agree."""
    made = annual_year(cast)
    annual_inputs(cast, made)
    built, written = (
        Run.objects.create(year=made.year, suite=made.schemes["cadre"].suite, status=status,
                           created_by=cast.admin, created_at=timezone.now())
        for status in (RunStatus.QUEUED, RunStatus.RUNNING)
    )  # fmt: skip
    with transaction.atomic():
        services.run_execute(run=built)
    built.refresh_from_db()
    assert built.status == RunStatus.DONE, built.message
    document = annual_document(made.schemes, cast, made.cadres, made.third)
    with transaction.atomic():
        services.run_store(run=written, result=services.grade_snapshot(jsonout.dumps(document)))

    def rows(run: Run) -> dict[tuple[int, str], tuple[Any, ...]]:
        return {
            (r.scheme_id, r.target): (r.score, r.grade, r.group, r.rank, r.needs_decision)
            for r in run.rows.all()
        }

    graded = rows(built)
    assert graded.pop((made.schemes["team"].pk, f"u{cast.responsible_unit.pk}"))[1] == "较差"
    assert len(graded) == 3 + 11
    assert graded == rows(written)
