//! The briefs as printable pages: A4 with print CSS, Chinese first (`lang=en` for English),
//! each a view of the very JSON the endpoint answers with `format=json`, so the two cannot
//! disagree. Links are relative, so the pages work under `/cities/{code}/` too. The community brief fits one or two pages; the ranking runs as long as the city.

use std::fmt::Write as _;

use super::super::answer::{CommunityBrief, Ranking, Section};
use crate::api::ogc::html::esc;

/// The brief's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    fn pick(self, zh: &'static str, en: &'static str) -> &'static str {
        match self {
            Self::Zh => zh,
            Self::En => en,
        }
    }
}

const STYLE: &str = r#"
@page { size: A4; margin: 12mm 12mm 14mm; }
* { box-sizing: border-box; }
body { font: 10.5pt/1.45 "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", system-ui, sans-serif; color: #1f2937; margin: 0 auto; max-width: 190mm; padding: 8mm 0; }
h1 { font-size: 17pt; margin: 0 0 2mm; }
h2 { font-size: 11.5pt; margin: 5mm 0 2mm; border-bottom: 1.5px solid #1e3a8a; padding-bottom: 1mm; color: #1e3a8a; break-after: avoid; }
.sub { color: #4b5563; margin: 0 0 3mm; }
.cards { display: grid; grid-template-columns: repeat(6, 1fr); gap: 2mm; margin: 3mm 0; }
.card { border: 1px solid #d1d5db; border-radius: 2mm; padding: 1.5mm 2mm; }
.card b { display: block; font-size: 14pt; }
.card span { font-size: 8.5pt; color: #4b5563; }
.up { color: #b91c1c; } .down { color: #047857; }
table { border-collapse: collapse; width: 100%; font-size: 9.5pt; break-inside: auto; }
th, td { border-bottom: 1px solid #e5e7eb; padding: 1mm 1.5mm; text-align: left; }
th { background: #f3f4f6; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
tr { break-inside: avoid; }
.cols { display: grid; grid-template-columns: 1fr 1fr; gap: 5mm; }
.map { width: 100%; height: auto; border: 1px solid #d1d5db; display: block; }
.legend { font-size: 8.5pt; color: #374151; margin: 1mm 0 0; }
.legend i { display: inline-block; width: 9px; height: 9px; margin: 0 3px 0 10px; vertical-align: middle; }
.sources { font-size: 7.5pt; color: #6b7280; word-break: break-all; margin-top: 4mm; }
.muted { color: #6b7280; }
.actions { margin-bottom: 3mm; } .actions a, .actions button { margin-right: 3mm; font: inherit; }
@media print { .actions { display: none; } body { padding: 0; } }
"#;

fn head(out: &mut String, lang: Lang, title: &str) {
    let _ = write!(
        out,
        r#"<!doctype html><html lang="{l}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{t}</title><link rel="icon" href="data:,"><style>{STYLE}</style></head><body>"#,
        l = lang.pick("zh-CN", "en"),
        t = esc(title)
    );
}

fn int(v: u64) -> String {
    let s = v.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn share(v: Option<f64>) -> String {
    v.map_or_else(|| "–".to_owned(), |v| format!("{:.1}\u{a0}%", v * 100.0))
}

/// A change in percent, coloured: up is red (more incidents), down green.
fn change(v: Option<f64>) -> String {
    match v {
        None => r#"<span class="muted">–</span>"#.to_owned(),
        Some(v) if v > 0.0 => format!(r#"<span class="up">+{v:.1}&nbsp;%</span>"#),
        Some(v) if v < 0.0 => format!(r#"<span class="down">{v:.1}&nbsp;%</span>"#),
        Some(_) => "0.0&nbsp;%".to_owned(),
    }
}

fn card(out: &mut String, value: &str, label: &str) {
    let _ = write!(
        out,
        r#"<div class="card"><b>{value}</b><span>{}</span></div>"#,
        esc(label)
    );
}

fn weekday(lang: Lang, d: usize) -> &'static str {
    const ZH: [&str; 7] = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];
    const EN: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    let i = d.clamp(1, 7) - 1;
    match lang {
        Lang::Zh => ZH[i],
        Lang::En => EN[i],
    }
}

fn quarter_name(lang: Lang, q: &str) -> String {
    match (lang, q.split_once('Q')) {
        (Lang::Zh, Some((y, n))) => format!("{y}年第{n}季度"),
        _ => q.replace('Q', " Q"),
    }
}

/// The community brief as a page.
#[must_use]
#[allow(
    clippy::too_many_lines,
    reason = "the page's sections in reading order, each a few lines"
)]
pub fn community(brief: &CommunityBrief, map: &str, lang: Lang) -> String {
    let tr = |zh, en| lang.pick(zh, en);
    let who = &brief.community;
    let title = format!(
        "{} · {} {}",
        who.name,
        quarter_name(lang, &brief.quarter),
        tr("社区治理季度简报", "quarterly brief")
    );
    let mut out = String::new();
    head(&mut out, lang, &title);
    let other = match lang {
        Lang::Zh => ("en", "English"),
        Lang::En => ("zh", "中文"),
    };
    let _ = write!(
        out,
        r#"<div class="actions"><button onclick="window.print()">{print}</button><a href="brief?quarter={q}&amp;lang={ol}">{on}</a><a href="brief?quarter={q}&amp;format=json">JSON</a><a href="../ranking?quarter={q}&amp;lang={l}">{rank}</a></div>"#,
        print = tr("打印 / 存为 PDF", "Print / save as PDF"),
        q = esc(&brief.quarter),
        ol = other.0,
        on = other.1,
        l = lang.pick("zh", "en"),
        rank = tr("全市社区排名", "City ranking"),
    );
    let _ = write!(
        out,
        r#"<h1>{}</h1><p class="sub">{} · {} {} · {} {} · {} {}</p>"#,
        esc(&title),
        esc(&who.district),
        int(u64::from(who.households)),
        tr("户", "households"),
        int(u64::from(who.population)),
        tr("人", "residents"),
        who.grids,
        tr("个网格", "grids"),
    );
    // Key figures.
    let incidents = &brief.incidents;
    out.push_str(r#"<div class="cards">"#);
    card(
        &mut out,
        &int(incidents.total),
        &format!(
            "{} · {} {}",
            tr("事件", "incidents"),
            tr("同比", "y/y"),
            incidents
                .year_on_year_pct
                .map_or_else(|| "–".to_owned(), |v| format!("{v:+.1} %"))
        ),
    );
    card(
        &mut out,
        &share(brief.handling.on_time_share),
        tr("按时办结率", "closed on time"),
    );
    card(
        &mut out,
        &share(brief.handling.return_rate),
        tr("回退率", "returned"),
    );
    card(
        &mut out,
        &format!(
            "{} / {}",
            brief.findings.safety_hazards, brief.findings.disputes
        ),
        tr("巡逻发现隐患 / 纠纷", "patrol finds: hazards / disputes"),
    );
    card(
        &mut out,
        &int(brief.lists.open_demands),
        tr("待办需求", "open needs"),
    );
    card(
        &mut out,
        &format!(
            "{} / {}",
            brief.inspections.inspections, brief.inspections.problems_solved
        ),
        tr("联合执法 / 解决问题", "joint inspections / solved"),
    );
    out.push_str("</div>");
    // The map.
    let _ = write!(
        out,
        r#"<h2>{}</h2>{map}<p class="legend"><i style="background:#0f766e"></i>{}<i style="background:#fb923c"></i>{}<i style="background:#ef4444"></i>{}<i style="background:#16a34a"></i>{}<i style="background:#7c3aed"></i>{}</p>"#,
        tr("社区地图", "Map"),
        tr("巡逻路线", "patrol routes"),
        tr("已覆盖热点", "hot spots reached"),
        tr("未覆盖热点", "hot spots missed"),
        tr("待办需求", "open needs"),
        tr("本季联合执法", "joint inspections"),
    );
    // Incidents by kind.
    let _ = write!(
        out,
        r#"<h2>{}</h2><table><tr><th>{}</th><th class="n">{}</th><th class="n">{}</th><th class="n">{}</th><th class="n">{}</th><th class="n">{}</th></tr>"#,
        tr("事件分类与同比、环比", "Incidents by kind"),
        tr("类别", "kind"),
        esc(&quarter_name(lang, &brief.quarter)),
        esc(&quarter_name(lang, &brief.previous_quarter)),
        tr("环比", "q/q"),
        esc(&quarter_name(lang, &brief.year_ago_quarter)),
        tr("同比", "y/y"),
    );
    for line in &incidents.by_kind {
        let name = match lang {
            Lang::Zh => line.name_zh.to_owned(),
            Lang::En => line.kind.as_str().replace('_', " "),
        };
        let _ = write!(
            out,
            r#"<tr><td>{}</td><td class="n">{}</td><td class="n">{}</td><td class="n">{}</td><td class="n">{}</td><td class="n">{}</td></tr>"#,
            esc(&name),
            line.count,
            line.previous,
            change(line.quarter_on_quarter_pct),
            line.year_ago,
            change(line.year_on_year_pct)
        );
    }
    let _ = write!(
        out,
        r#"<tr><th>{}</th><th class="n">{}</th><th class="n">{}</th><th class="n">{}</th><th class="n">{}</th><th class="n">{}</th></tr></table>"#,
        tr("合计", "total"),
        incidents.total,
        incidents.previous,
        change(incidents.quarter_on_quarter_pct),
        incidents.year_ago,
        change(incidents.year_on_year_pct)
    );
    let _ = write!(
        out,
        r#"<p class="muted">{} {} · {} {} / {} {} · {} {}</p>"#,
        tr("每千户事件", "per 1,000 households:"),
        incidents
            .rate_per_1000_households
            .map_or_else(|| "–".to_owned(), |v| format!("{v:.1}")),
        tr("已办结", "closed"),
        brief.handling.closed,
        brief.handling.count,
        tr("件", ""),
        tr("按时", "on time"),
        brief.handling.closed_on_time,
    );
    out.push_str(r#"<div class="cols"><div>"#);
    // Patrols.
    let _ = write!(out, "<h2>{}</h2>", tr("巡逻覆盖、剂量与时段", "Patrols"));
    match &brief.patrol {
        Section::Answered(patrol) => {
            let _ = write!(
                out,
                r#"<table><tr><td>{}</td><td class="n">{} · {:.1} km</td></tr><tr><td>{}</td><td class="n">{}</td></tr><tr><td>{}</td><td class="n">{} / {}</td></tr><tr><td>{}</td><td class="n">{}</td></tr><tr><td>{}</td><td class="n">{}</td></tr></table>"#,
                tr("路线 · 长度", "routes · length"),
                patrol.routes,
                patrol.length_m / 1000.0,
                tr("路线覆盖的事件", "incidents within reach"),
                share(patrol.incident_share),
                tr("热点：未覆盖 / 全部", "hot spots missed / all"),
                patrol.hotspots_missed,
                patrol.hotspots.len(),
                tr("巡逻时段命中事件", "incidents in patrolled hours"),
                share(patrol.timing_score),
                tr("建议增加时段", "best hour to add"),
                patrol.best_slot.as_ref().map_or_else(
                    || "–".to_owned(),
                    |s| format!(
                        "{} {:02}:00 ({})",
                        weekday(lang, s.weekday),
                        s.hour,
                        share(patrol.best_score)
                    )
                ),
            );
            if !patrol.hotspots.is_empty() {
                let _ = write!(
                    out,
                    r#"<table><tr><th>{}</th><th>{}</th><th class="n">{}</th><th class="n">{}</th></tr>"#,
                    tr("热点 (H3)", "hot spot (H3)"),
                    tr("覆盖", "reached"),
                    tr("巡逻分钟", "minutes"),
                    tr("到访", "visits"),
                );
                for spot in &patrol.hotspots {
                    let _ = write!(
                        out,
                        r#"<tr><td><code>{}</code></td><td>{}</td><td class="n">{:.1}</td><td class="n">{}</td></tr>"#,
                        esc(&spot.h3),
                        if spot.reached {
                            tr("是", "yes")
                        } else {
                            tr("否", "no")
                        },
                        spot.minutes,
                        spot.visits
                    );
                }
                out.push_str("</table>");
            }
        }
        Section::Unanswered(gap) => {
            let _ = write!(out, r#"<p class="muted">{}</p>"#, esc(&gap.detail));
        }
    }
    let found = &brief.findings;
    let _ = write!(
        out,
        r#"<h2>{}</h2><table><tr><th></th><th class="n">{}</th><th class="n">{}</th></tr><tr><td>{}</td><td class="n">{}</td><td class="n">{}</td></tr><tr><td>{}</td><td class="n">{}</td><td class="n">{}</td></tr></table>"#,
        tr("巡逻发现", "Found by patrols"),
        tr("本季", "quarter"),
        tr("累计", "to date"),
        tr("安全隐患", "safety hazards"),
        found.safety_hazards,
        found.safety_hazards_to_date,
        tr("矛盾纠纷", "disputes"),
        found.disputes,
        found.disputes_to_date,
    );
    let _ = write!(
        out,
        "<h2>{}</h2>",
        tr("生活圈之外的住户", "Beyond the life circles")
    );
    match &brief.life_circles {
        Section::Answered(life) => {
            out.push_str("<table>");
            for (metres, beyond) in life.thresholds_m.iter().zip(&life.households_beyond) {
                let _ = write!(
                    out,
                    r#"<tr><td>{} {metres:.0} m</td><td class="n">{} / {}</td></tr>"#,
                    tr("步行超过", "walk over"),
                    int(*beyond),
                    int(life.households_total)
                );
            }
            out.push_str("</table>");
        }
        Section::Unanswered(gap) => {
            let _ = write!(out, r#"<p class="muted">{}</p>"#, esc(&gap.detail));
        }
    }
    out.push_str("</div><div>");
    // Lists, projects, inspections.
    let lists = &brief.lists;
    let _ = write!(
        out,
        r#"<h2>{}</h2><table><tr><td>{}</td><td class="n">{}</td></tr><tr><td>{}</td><td class="n">{} · {} {}</td></tr><tr><td>{}</td><td class="n">{} · {} {}</td></tr><tr><td>{}</td><td class="n">{}</td></tr><tr><td>{}</td><td class="n">{} · {} {}</td></tr><tr><td>{}</td><td class="n">{}</td></tr></table>"#,
        tr("资源、需求与项目清单", "Resources, needs and projects"),
        tr("驻区单位", "units in the area"),
        lists.units,
        tr("本季资源清单", "resource items offered"),
        lists.resource_items,
        int(lists.capacity),
        tr("户", "households"),
        tr("季末待办需求", "needs open at quarter end"),
        lists.open_demands,
        int(lists.households_open),
        tr("户", "households"),
        tr("本季新增需求", "needs raised"),
        lists.demands_raised,
        tr("本季办结项目", "projects done"),
        lists.projects_done_in_quarter,
        int(lists.households_helped_in_quarter),
        tr("户受益", "households helped"),
        tr("累计受益户数", "households helped to date"),
        int(lists.households_helped_to_date),
    );
    if !lists.projects.is_empty() {
        let _ = write!(
            out,
            r#"<table><tr><th>{}</th><th>{}</th><th class="n">{}</th></tr>"#,
            tr("项目", "project"),
            tr("进度", "status"),
            tr("户", "households"),
        );
        for project in &lists.projects {
            let status = match (lang, project.status.as_str()) {
                (Lang::Zh, "done") => "已办结",
                (Lang::Zh, "in_progress") => "推进中",
                (Lang::Zh, _) => "计划中",
                (Lang::En, "in_progress") => "in progress",
                (Lang::En, other) => other,
            };
            let _ = write!(
                out,
                r#"<tr><td>{}</td><td>{}</td><td class="n">{}</td></tr>"#,
                esc(&project.name),
                status,
                project.households
            );
        }
        out.push_str("</table>");
    }
    let done = &brief.inspections;
    let _ = write!(
        out,
        r#"<h2>{}</h2><table><tr><td>{}</td><td class="n">{}</td></tr><tr><td>{}</td><td class="n">{}</td></tr><tr><td>{}</td><td class="n">{}</td></tr></table>"#,
        tr("联合执法", "Joint inspections"),
        tr("检查次数", "inspections"),
        done.inspections,
        tr("发现问题", "problems found"),
        done.problems_found,
        tr("解决问题", "problems solved"),
        done.problems_solved,
    );
    out.push_str("</div></div>");
    // Where every figure comes from.
    let mut sources: Vec<&str> = incidents.sources.iter().map(String::as_str).collect();
    sources.push(&brief.handling.source);
    match &brief.patrol {
        Section::Answered(patrol) => sources.extend(patrol.sources.iter().map(String::as_str)),
        Section::Unanswered(gap) => sources.push(&gap.source),
    }
    sources.extend(found.sources.iter().map(String::as_str));
    match &brief.life_circles {
        Section::Answered(life) => sources.push(&life.source),
        Section::Unanswered(gap) => sources.push(&gap.source),
    }
    sources.push(&brief.lists_source);
    sources.push(&done.source);
    let _ = write!(
        out,
        r#"<p class="sources">{} {}</p></body></html>"#,
        tr("数据来源（gridwatch 接口）：", "Sources (gridwatch API):"),
        sources
            .iter()
            .map(|s| esc(s))
            .collect::<Vec<_>>()
            .join(" · ")
    );
    out
}

/// The city's ranking as a page.
#[must_use]
pub fn ranking(r: &Ranking, lang: Lang) -> String {
    let tr = |zh, en| lang.pick(zh, en);
    let title = format!(
        "{} {}",
        quarter_name(lang, &r.quarter),
        tr("社区治理排名", "community ranking")
    );
    let mut out = String::new();
    head(&mut out, lang, &title);
    let _ = write!(
        out,
        r#"<div class="actions"><button onclick="window.print()">{}</button></div><h1>{}</h1><p class="sub">{} {} / {} ({:.1} %) · {}</p>"#,
        tr("打印 / 存为 PDF", "Print / save as PDF"),
        esc(&title),
        tr(
            "全年无刑事案件的社区",
            "communities without a criminal case this year:"
        ),
        r.without_criminal_case_year,
        r.communities,
        r.without_criminal_case_share * 100.0,
        match lang {
            Lang::Zh => "排序：全年刑事案件最少者在前，其次本季每千户事件最低，其次按时办结率最高",
            Lang::En => r.order,
        },
    );
    let _ = write!(
        out,
        r#"<table><tr><th class="n">#</th><th>{}</th><th class="n">{}</th><th class="n">{}</th><th class="n">{}</th><th class="n">{}</th><th class="n">{}</th><th class="n">{}</th><th class="n">{}</th><th class="n">{}</th></tr>"#,
        tr("社区", "community"),
        tr("事件", "incidents"),
        tr("每千户", "per 1,000 hh"),
        tr("同比", "y/y"),
        tr("刑事案件 本季/全年", "criminal q / year"),
        tr("按时办结率", "on time"),
        tr("回退率", "returned"),
        tr("办结项目 · 受益户", "projects · households"),
        tr("联合执法", "inspections"),
    );
    for l in &r.lines {
        let _ = write!(
            out,
            r#"<tr><td class="n">{}</td><td><a href="{}/brief?quarter={}&amp;lang={}">{}</a></td><td class="n">{}</td><td class="n">{}</td><td class="n">{}</td><td class="n">{} / {}</td><td class="n">{}</td><td class="n">{}</td><td class="n">{} · {}</td><td class="n">{}</td></tr>"#,
            l.rank,
            l.id,
            esc(&r.quarter),
            lang.pick("zh", "en"),
            esc(&l.name),
            l.incidents,
            l.rate_per_1000_households
                .map_or_else(|| "–".to_owned(), |v| format!("{v:.1}")),
            change(l.year_on_year_pct),
            l.criminal_cases,
            l.criminal_cases_year,
            share(l.on_time_share),
            share(l.return_rate),
            l.projects_done,
            l.households_helped,
            l.inspections,
        );
    }
    let _ = write!(
        out,
        r#"</table><p class="sources">{} {}</p></body></html>"#,
        tr("数据来源（gridwatch 接口）：", "Sources (gridwatch API):"),
        r.sources
            .iter()
            .map(|s| esc(s))
            .collect::<Vec<_>>()
            .join(" · ")
    );
    out
}
