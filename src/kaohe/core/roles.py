"""Roles and what each may do: the one place where this is declared.

Which *rows* a user sees is decided by the selectors (one per model); this table only says
which *actions* a role may perform at all. A view asks ``require(user, Action.X)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.http import HttpRequest

    from kaohe.core.models import User


class Role(models.TextChoices):
    OFFICE_ADMIN = "office_admin", _("考核办管理员")
    SCORER = "scorer", _("责任单位评分人")
    LIAISON = "liaison", _("被考核单位联络员")
    LEADER = "leader", _("县领导")
    TEAM_MEMBER = "team_member", _("考核组成员")
    COMMITTEE_MEMBER = "committee_member", _("考核委委员")
    # A unit's party committee (党委/党组) proposes its cadres' grades (004).
    PARTY_COMMITTEE = "party_committee", _("单位党委（党组）")
    # A cadre who reads their own published grade and its explanation.
    CADRE = "cadre", _("干部本人")


class Action(models.TextChoices):
    DASHBOARD_VIEW = "dashboard.view", _("查看首页")
    UNIT_VIEW = "unit.view", _("查看单位")
    UNIT_EDIT = "unit.edit", _("维护单位")
    CATEGORY_VIEW = "category.view", _("查看单位类别")
    CATEGORY_EDIT = "category.edit", _("维护单位类别")
    CADRE_VIEW = "cadre.view", _("查看干部")
    CADRE_EDIT = "cadre.edit", _("维护干部")
    AUDIT_VIEW = "audit.view", _("查看操作日志")
    USER_MANAGE = "user.manage", _("管理用户和接口令牌")
    YEAR_EDIT = "year.edit", _("维护考核年度")
    SCHEME_VIEW = "scheme.view", _("查看考核方案")
    SCHEME_EDIT = "scheme.edit", _("维护考核方案")
    SCHEME_PUBLISH = "scheme.publish", _("发布、锁定考核方案")
    INDICATOR_VIEW = "indicator.view", _("查看指标体系")
    INDICATOR_EDIT = "indicator.edit", _("维护草稿指标体系")
    INDICATOR_PUBLISH = "indicator.publish", _("发布、锁定指标体系")
    CHANGE_VIEW = "change.view", _("查看指标变更申请")
    CHANGE_REQUEST = "change.request", _("提出指标变更申请")
    CHANGE_DECIDE = "change.decide", _("审批指标变更申请")
    # The year's work (collection): periods, reports, scoring, warnings, rectification.
    PERIOD_VIEW = "period.view", _("查看考核周期")
    PERIOD_EDIT = "period.edit", _("维护考核周期、关闭周期")
    PROGRESS_VIEW = "progress.view", _("查看考核进度")
    REPORT_VIEW = "report.view", _("查看报送材料")
    REPORT_SUBMIT = "report.submit", _("报送材料")
    REPORT_REVIEW = "report.review", _("审核报送材料、退回")
    SCORE_VIEW = "score.view", _("查看指标评分")
    SCORE_ENTER = "score.enter", _("为负责的指标评分")
    FIELD_CHECK_EDIT = "field_check.edit", _("记录实地考核")
    WARNING_VIEW = "warning.view", _("查看预警与整改")
    WARNING_ISSUE = "warning.issue", _("季度排名、发出预警")
    RECTIFY_SUBMIT = "rectify.submit", _("反馈整改情况")
    RECTIFY_VERIFY = "rectify.verify", _("核实整改、销号")
    # Ballots: democratic evaluation, surveys, leader ratings (which rows: ballots selectors).
    BALLOT_MANAGE = "ballot.manage", _("组织民主测评、打印测评码")
    BALLOT_RESULTS = "ballot.results", _("查看测评结果")
    SURVEY_MANAGE = "survey.manage", _("组织民意调查")
    RATING_ENTER = "rating.enter", _("领导评价打分")
    RATING_MANAGE = "rating.manage", _("组织领导评价、催办")
    # Results: the year-end grading runs (which rows: the results selectors).
    RESULTS_VIEW = "results.view", _("查看考核结果")
    RESULTS_RUN = "results.run", _("计算考核结果、导入分项得分")
    RESULTS_PROPOSE = "results.propose", _("提出考核等次建议")
    RESULTS_DECIDE = "results.decide", _("审定考核等次")
    RESULTS_PUBLISH = "results.publish", _("公示、公布考核结果")
    APPEAL_HANDLE = "appeal.handle", _("受理复核、申诉和异议")
    RESULT_OWN_VIEW = "result.own", _("查看本人考核结果")
    UNIT_SCORES_VIEW = "score.own", _("查看本单位得分")


# Roles whose user belongs to one unit (the unit decides which rows they see).
UNIT_BOUND_ROLES = frozenset({Role.SCORER, Role.LIAISON, Role.PARTY_COMMITTEE})
# Roles whose user is one cadre (``User.cadre``).
CADRE_BOUND_ROLES = frozenset({Role.CADRE})

_READ_ALL_ORGS = frozenset({Action.DASHBOARD_VIEW, Action.UNIT_VIEW, Action.CADRE_VIEW})
# Published schemes and indicator systems (which rows: the schemes selectors).
_READ_SCHEMES = frozenset({Action.SCHEME_VIEW, Action.INDICATOR_VIEW})
# What the read-only roles see of the year's work (which rows: the collection selectors).
_READ_PROGRESS = frozenset(
    {Action.PERIOD_VIEW, Action.PROGRESS_VIEW, Action.REPORT_VIEW, Action.SCORE_VIEW,
     Action.WARNING_VIEW}
)  # fmt: skip

ROLE_ACTIONS: dict[Role, frozenset[Action]] = {
    Role.OFFICE_ADMIN: frozenset(Action),
    # A responsible unit scores indicators of the assessed units: it sees the units.
    # It files change requests for its indicators (001 第八条).
    Role.SCORER: frozenset({Action.DASHBOARD_VIEW, Action.UNIT_VIEW})
    | _READ_SCHEMES
    | {Action.CHANGE_VIEW, Action.CHANGE_REQUEST}
    # It scores its indicators for the units of its field, reading their reports and
    # evidence, and follows up the problems it found (001 第十一条(七)).
    | {
        Action.PERIOD_VIEW,
        Action.REPORT_VIEW,
        Action.SCORE_VIEW,
        Action.SCORE_ENTER,
        Action.WARNING_VIEW,
    },
    # An assessed unit's liaison sees its own unit and the cadres posted there; it reports,
    # uploads evidence and answers its warnings.
    Role.LIAISON: frozenset({Action.DASHBOARD_VIEW, Action.UNIT_VIEW, Action.CADRE_VIEW})
    | _READ_SCHEMES
    | {
        Action.PERIOD_VIEW,
        Action.REPORT_VIEW,
        Action.REPORT_SUBMIT,
        Action.SCORE_VIEW,
        Action.UNIT_SCORES_VIEW,
        Action.WARNING_VIEW,
        Action.RECTIFY_SUBMIT,
    },
    # County leaders rate units and cadres (001 第十四条; 004), seen by the office only.
    Role.LEADER: _READ_ALL_ORGS
    | _READ_SCHEMES
    | _READ_PROGRESS
    | {Action.RATING_ENTER, Action.RESULTS_VIEW},
    # Assessment teams check on site (调阅资料、走访调研、个别访谈, 000 三(2)) and propose
    # the teams' grades.
    Role.TEAM_MEMBER: _READ_ALL_ORGS
    | _READ_SCHEMES
    | _READ_PROGRESS
    | {Action.FIELD_CHECK_EDIT, Action.RESULTS_PROPOSE},
    # The committee agrees to indicator systems and their changes (001 第八条): it reads them.
    Role.COMMITTEE_MEMBER: _READ_ALL_ORGS
    | _READ_SCHEMES
    | _READ_PROGRESS
    | {Action.CHANGE_VIEW, Action.BALLOT_RESULTS, Action.RESULTS_VIEW},
    # A unit's party committee proposes its own cadres' grades and 优秀 list (004).
    Role.PARTY_COMMITTEE: frozenset({Action.DASHBOARD_VIEW, Action.UNIT_VIEW, Action.CADRE_VIEW})
    | {Action.RESULTS_PROPOSE},
    # A cadre sees their own published grade and its explanation, nothing else.
    Role.CADRE: frozenset({Action.DASHBOARD_VIEW, Action.RESULT_OWN_VIEW}),
}


def role_of(user: object) -> Role | None:
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return None
    raw = getattr(user, "role", "")
    try:
        return Role(raw)
    except ValueError:
        return None


def can(user: object, action: Action) -> bool:
    role = role_of(user)
    return role is not None and action in ROLE_ACTIONS[role]


def require(user: object, action: Action) -> None:
    """Raise ``PermissionDenied`` (403) unless the user's role allows ``action``."""
    if not can(user, action):
        raise PermissionDenied(action.value)


def actor(request: HttpRequest) -> User:
    """The signed-in user of a request, as services take it; 403 for an anonymous one
    (views call it after ``require``, which has already refused anonymous users)."""
    user = request.user
    if not user.is_authenticated:
        raise PermissionDenied
    return user
