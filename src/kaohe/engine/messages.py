"""Message catalogue of the engine, in Simplified Chinese and English.

Every message the engine shows a person (errors, trace explanations, table headings)
is looked up here by a code, so the two languages cannot drift apart: a test checks
that both languages have every code and the same placeholders.
"""

from __future__ import annotations

from collections.abc import Mapping

LANGUAGES = ("zh", "en")

CATALOGUE: Mapping[str, Mapping[str, str]] = {
    # --- bad input -------------------------------------------------------------------
    "missing": {"zh": "缺少", "en": "missing"},
    "unknown_key": {"zh": "未知的键 {key}", "en": "unknown key {key}"},
    "not_mapping": {"zh": "应为映射（键: 值）", "en": "must be a mapping"},
    "not_list": {"zh": "应为列表", "en": "must be a list"},
    "not_string": {"zh": "应为文字", "en": "must be a string"},
    "not_number": {"zh": "应为数字（得到 {value}）", "en": "must be a number (got {value})"},
    "not_integer": {"zh": "应为整数（得到 {value}）", "en": "must be a whole number (got {value})"},
    "not_bool": {"zh": "应为 true 或 false", "en": "must be true or false"},
    "not_date": {
        "zh": "应为日期 YYYY-MM-DD（得到 {value}）",
        "en": "must be a date YYYY-MM-DD (got {value})",
    },
    "not_input_value": {
        "zh": "应为数字或列表（得到 {value}）",
        "en": "must be a number or a list (got {value})",
    },
    "out_of_range": {"zh": "应在 {low} 与 {high} 之间", "en": "must be between {low} and {high}"},
    "must_be_positive": {"zh": "应大于 0", "en": "must be greater than 0"},
    "must_not_be_negative": {"zh": "不能为负数", "en": "must not be negative"},
    "one_of": {
        "zh": "应为 {choices} 之一（得到 {value}）",
        "en": "must be one of {choices} (got {value})",
    },
    "empty": {"zh": "不能为空", "en": "must not be empty"},
    "bad_format": {
        "zh": "格式应为 kaohe-scenario/1（得到 {value}）",
        "en": "must be kaohe-scenario/1 (got {value})",
    },
    "duplicate_id": {"zh": "编号 {id} 重复", "en": "duplicate id {id}"},
    "duplicate_key": {"zh": "键 {key} 重复", "en": "duplicate key {key}"},
    "unknown_grade": {"zh": "未知的等次 {grade}", "en": "unknown grade {grade}"},
    "unknown_scheme": {"zh": "未知的考核方案 {scheme}", "en": "unknown scheme {scheme}"},
    "unknown_unit": {"zh": "未知的单位 {unit}", "en": "unknown unit {unit}"},
    "unknown_cadre": {"zh": "未知的干部 {cadre}", "en": "unknown cadre {cadre}"},
    "unknown_target": {"zh": "未知的考核对象 {target}", "en": "unknown target {target}"},
    "unknown_input": {
        "zh": "未知的输入项 {input}：没有考核对象提供它",
        "en": "unknown input {input}: no target provides it",
    },
    "unknown_period": {"zh": "未知的期次 {period}", "en": "unknown period {period}"},
    "unknown_choice": {"zh": "未知的测评选项 {choice}", "en": "unknown choice {choice}"},
    "unknown_rater": {"zh": "未知的测评人类别 {rater}", "en": "unknown rater class {rater}"},
    "weights_sum": {
        "zh": "权重之和为 {total}，应为 1",
        "en": "weights add up to {total}, not 1",
    },
    "grades_too_few": {"zh": "至少需要两个等次", "en": "needs at least two grades"},
    "band_for_lowest": {
        "zh": "最低等次 {grade} 不设分数线",
        "en": "the lowest grade {grade} has no band",
    },
    "bands_order": {
        "zh": "分数线应随等次降低而降低：{better} 为 {better_min}，{worse} 为 {worse_min}",
        "en": "bands must fall with the grades: {better} is {better_min}, {worse} is {worse_min}",
    },
    "cycle": {
        "zh": "考核方案之间循环引用：{cycle}",
        "en": "schemes depend on each other in a cycle: {cycle}",
    },
    "self_reference": {
        "zh": "不能引用本方案自身的等次",
        "en": "cannot refer to its own scheme's grade",
    },
    "condition_forbidden": {
        "zh": "{effect} 规则的条件不能使用 {condition}",
        "en": "the condition of a {effect} rule cannot use {condition}",
    },
    "only_for_cadres": {"zh": "仅适用于干部考核方案", "en": "only for cadre schemes"},
    "one_condition": {
        "zh": "应恰好有一个条件（得到 {keys}）",
        "en": "must hold exactly one condition (got {keys})",
    },
    "one_effect": {
        "zh": "应恰好有一个效果（得到 {keys}）",
        "en": "must hold exactly one effect (got {keys})",
    },
    "one_comparison": {
        "zh": "应恰好有一个比较（{choices}）",
        "en": "must hold exactly one comparison ({choices})",
    },
    "input_not_number": {"zh": "输入项 {input} 应为数字", "en": "input {input} must be a number"},
    "input_not_list": {"zh": "输入项 {input} 应为列表", "en": "input {input} must be a list"},
    "input_from_ballots": {
        "zh": "输入项 {input} 由民主测评计算，不能直接给出",
        "en": "input {input} is computed from the ballots and cannot be given",
    },
    "no_ballot_marks": {
        "zh": "缺少（没有有效测评票给该对象打分）",
        "en": "missing (no valid ballot sheet marks this target)",
    },
    "group_attribute_missing": {
        "zh": "单位 {unit} 没有分组属性 {attribute}",
        "en": "unit {unit} has no grouping attribute {attribute}",
    },
    "period_order": {
        "zh": "期次 {first} 与 {second} 的先后顺序与其他对象不一致",
        "en": "periods {first} and {second} are in another order than in other targets",
    },
    "history_year": {
        "zh": "历史年度 {value} 应早于考核年度 {year}",
        "en": "history year {value} must be before the assessment year {year}",
    },
    "yaml_error": {"zh": "无法读取：{detail}", "en": "cannot be read: {detail}"},
    "file_error": {"zh": "无法打开文件：{detail}", "en": "cannot open the file: {detail}"},
    "tie_breaker_missing": {
        "zh": "缺少（并列时的比较项 {input}）",
        "en": "missing (tie breaker {input})",
    },
    "number_too_large": {"zh": "数值过大", "en": "the number is too large"},
    # --- placement and status ----------------------------------------------------------
    "place_home": {"zh": "在本单位考核", "en": "assessed in the home unit"},
    "place_principal": {
        "zh": "党政正职，单列考核，不占本单位基数和名额",
        "en": "principal: graded in a separate list, outside the unit's base and quota",
    },
    "place_secondment_outside": {
        "zh": "上级下派挂职，在挂职单位考核，不计基数、不占名额",
        "en": "seconded from above: assessed in the host unit, outside its base and quota",
    },
    "place_secondment_host": {
        "zh": "县级下派挂职满 {months} 个月，在挂职单位考核并占名额",
        "en": "county secondment of {months} months or more: assessed in the host unit, in its quota",
    },
    "place_secondment_home": {
        "zh": "县级下派挂职不满 {months} 个月，在原单位考核",
        "en": "county secondment under {months} months: assessed in the home unit",
    },
    "excluded_retired": {
        "zh": "已于 {date} 退休，不参加年度考核",
        "en": "retired on {date}: not assessed",
    },
    "excluded_village_team": {
        "zh": "驻村工作队员，另行考核，不在原单位考核",
        "en": "village work team member: assessed separately, not in the home unit",
    },
    "pending_investigation": {
        "zh": "立案审查尚未结案：参加考核，暂不确定等次",
        "en": "open investigation: assessed, no grade until the case closes",
    },
    # --- trace explanations ----------------------------------------------------------
    "step_score": {"zh": "得分 {score}", "en": "score {score}"},
    "step_band": {"zh": "分数线定为 {grade}", "en": "band gives {grade}"},
    "step_band_lowest": {"zh": "低于各分数线，定为 {grade}", "en": "below every band: {grade}"},
    "step_set": {"zh": "规则 {rule}：直接确定为 {grade}", "en": "rule {rule}: set to {grade}"},
    "step_cap": {
        "zh": "规则 {rule}：最高 {cap}，为 {grade}",
        "en": "rule {rule}: at best {cap}, now {grade}",
    },
    "step_downgrade": {
        "zh": "规则 {rule}：降低 {levels} 个等次，为 {grade}",
        "en": "rule {rule}: {levels} grade(s) lower, now {grade}",
    },
    "step_quota_kept": {
        "zh": "{quota} 名额 {slots} 个，位列第 {position}，保持 {grade}",
        "en": "{quota} quota of {slots}: position {position}, stays {grade}",
    },
    "step_quota_moved": {
        "zh": "{quota} 名额 {slots} 个，位列第 {position}，超出名额，调为 {grade}",
        "en": "{quota} quota of {slots}: position {position}, past the slots, moved to {grade}",
    },
    "step_quota_held": {
        "zh": "{quota} 名额 {slots} 个，在名额线上并列，暂定 {grade}，需研究决定",
        "en": "{quota} quota of {slots}: tied at the cut-off, held at {grade}, needs a decision",
    },
    "step_quota_fixed": {
        "zh": "{quota} 名额：规则确定的等次优先占用名额",
        "en": "{quota} quota: a grade fixed by a rule takes a slot first",
    },
    "step_require": {"zh": "规则 {rule}：须 {text}", "en": "rule {rule}: requires {text}"},
    "step_excluded_rule": {
        "zh": "规则 {rule}：不参加考核（{reason}）",
        "en": "rule {rule}: not assessed ({reason})",
    },
    "step_pending_rule": {
        "zh": "规则 {rule}：暂不定等次（{reason}）",
        "en": "rule {rule}: no grade yet ({reason})",
    },
    # --- violations ------------------------------------------------------------------
    "violation_status": {
        "zh": "该对象状态为 {status}，不能建议等次",
        "en": "the target is {status}: no grade can be proposed",
    },
    "violation_band": {
        "zh": "建议等次 {proposed} 高于分数线允许的 {band}",
        "en": "proposed {proposed} is above what the band allows ({band})",
    },
    "violation_set": {
        "zh": "规则 {rule} 已确定等次为 {grade}，建议等次为 {proposed}",
        "en": "rule {rule} fixes the grade at {grade}; proposed {proposed}",
    },
    "violation_cap": {
        "zh": "规则 {rule} 规定最高为 {cap}，建议等次为 {proposed}",
        "en": "rule {rule} allows {cap} at best; proposed {proposed}",
    },
    "violation_downgrade": {
        "zh": "规则 {rule} 要求降低等次，最高为 {grade}，建议等次为 {proposed}",
        "en": "rule {rule} lowers the grade to {grade} at best; proposed {proposed}",
    },
    "violation_quota": {
        "zh": "{grade} 及以上名额 {slots} 个，按得分该建议列第 {position}，超出名额",
        "en": "{grade} or better has {slots} slots; this proposal is number {position} by score, past the slots",
    },
    "violation_quota_fixed": {
        "zh": "规则确定的 {grade} 等次有 {used} 个，超过名额 {slots} 个",
        "en": "{used} targets are fixed at {grade} by rules, more than the {slots} slots",
    },
    # --- status names ----------------------------------------------------------------
    "status_graded": {"zh": "已定等次", "en": "graded"},
    "status_pending": {"zh": "暂不定等次", "en": "pending"},
    "status_excluded": {"zh": "不参加考核", "en": "excluded"},
    # --- table -----------------------------------------------------------------------
    "table_rank": {"zh": "名次", "en": "Rank"},
    "table_target": {"zh": "考核对象", "en": "Target"},
    "table_score": {"zh": "得分", "en": "Score"},
    "table_grade": {"zh": "等次", "en": "Grade"},
    "table_reason": {"zh": "说明", "en": "Reason"},
    "table_group": {"zh": "分组", "en": "Group"},
    "table_quota": {
        "zh": "名额：{grade} 及以上 比例 {ratio}，基数 {base}，名额 {slots}，已用 {used}",
        "en": "Quota: {grade} or better, ratio {ratio}, base {base}, slots {slots}, used {used}",
    },
    "table_warnings": {"zh": "预警", "en": "Warnings"},
    "table_warning": {"zh": "{period} {target} {level}灯", "en": "{period} {target} {level}"},
    "table_violations": {"zh": "建议等次问题", "en": "Problems with proposed grades"},
    "table_severity_error": {"zh": "错误", "en": "error"},
    "table_severity_warning": {"zh": "提醒", "en": "warning"},
    "table_ballots": {"zh": "民主测评", "en": "Ballots"},
    "table_ballot_line": {
        "zh": "{target}：有效票 {valid}，无效票 {invalid}，{shares}",
        "en": "{target}: {valid} valid, {invalid} invalid, {shares}",
    },
    "table_awards": {"zh": "奖励：{awards}", "en": "awards: {awards}"},
    "table_requires": {"zh": "须：{requires}", "en": "requires: {requires}"},
    "table_needs_decision": {"zh": "需研究决定", "en": "needs a decision"},
    "validate_ok": {
        "zh": "有效：{schemes} 个考核方案，{targets} 个考核对象",
        "en": "valid: {schemes} schemes, {targets} targets",
    },
}


def message(code: str, lang: str = "zh", **params: object) -> str:
    """The message for ``code`` in ``lang`` (``zh`` or ``en``), with its placeholders filled."""
    texts = CATALOGUE[code]
    text = texts.get(lang) or texts["zh"]
    return text.format(**{key: _show(value) for key, value in params.items()})


def _show(value: object) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(_show(item) for item in value)
    return str(value)
