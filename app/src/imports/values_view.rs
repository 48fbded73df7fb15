//! The import page's value step: each value of the valued column (a contact's lifecycle stage, a
//! lead's status, a deal's stage) beside what it becomes in Keel, guessed first; the values with
//! no guess are marked and counted before the import runs.
use std::collections::BTreeMap;

use leptos::prelude::*;
use uuid::Uuid;

use super::model::{ImportKind, ValueChoice};
use super::values::{ImportPipeline, LOST, WON, guess_stage, guess_status};
use crate::i18n::*;
use crate::leads::model::STATUSES;

/// What the value step needs from its page.
#[derive(Clone, Copy)]
pub struct ValueStep {
    pub kind: ImportKind,
    pub mapping: RwSignal<Vec<String>>,
    pub distinct: StoredValue<Vec<Option<Vec<String>>>>,
    pub pipelines: StoredValue<Vec<ImportPipeline>>,
    pub pipeline: RwSignal<Option<Uuid>>,
    /// What the user chose, by value (over the guesses).
    pub chosen: RwSignal<BTreeMap<String, String>>,
}

impl ValueStep {
    /// The valued column's values: `None` if no column is mapped to the valued field, an empty
    /// list inside if it has more values than a preview lists.
    fn values(&self) -> Option<Option<Vec<String>>> {
        let field = self.kind.valued_field()?;
        let column = self.mapping.with(|m| m.iter().position(|f| f == field))?;
        Some(
            self.distinct
                .with_value(|d| d.get(column).cloned().flatten()),
        )
    }

    fn stages(&self) -> Vec<(Uuid, String)> {
        let chosen = self.pipeline.get();
        self.pipelines.with_value(|ps| {
            ps.iter()
                .find(|p| Some(p.id) == chosen)
                .or(ps.first())
                .map(|p| p.stages.clone())
                .unwrap_or_default()
        })
    }

    /// A value's guess in Keel (`None`: not recognised).
    fn guess(&self, value: &str, stages: &[(Uuid, String)]) -> Option<String> {
        match self.kind {
            ImportKind::Contacts => Some(value.to_string()),
            ImportKind::Leads => guess_status(value).map(str::to_string),
            ImportKind::Deals => guess_stage(value, stages),
            _ => None,
        }
    }

    /// Each value, what it becomes, and whether it was recognised.
    fn rows(&self) -> Vec<(String, String, bool)> {
        let Some(Some(values)) = self.values() else {
            return Vec::new();
        };
        let stages = self.stages();
        let fallback = match self.kind {
            ImportKind::Leads => "new".to_string(),
            _ => stages.first().map(|s| s.0.to_string()).unwrap_or_default(),
        };
        let chosen = self.chosen.get();
        values
            .into_iter()
            .map(|v| {
                let guess = self.guess(&v, &stages);
                let known = guess.is_some();
                let to = chosen
                    .get(&v)
                    .cloned()
                    .or(guess)
                    .unwrap_or_else(|| fallback.clone());
                (v, to, known)
            })
            .collect()
    }

    /// The choices the import is started with.
    pub fn choices(&self) -> Vec<ValueChoice> {
        self.rows()
            .into_iter()
            .map(|(from, to, _)| ValueChoice { from, to })
            .collect()
    }
}

#[component]
pub fn ValueMapping(step: ValueStep) -> impl IntoView {
    let i18n = use_i18n();
    let kind = step.kind;
    let shown = move || step.values().is_some();
    let hint = move || match kind {
        ImportKind::Contacts => t_string!(i18n, imports.values_lifecycle),
        ImportKind::Leads => t_string!(i18n, imports.values_status),
        _ => t_string!(i18n, imports.values_stage),
    };
    let several = kind == ImportKind::Deals && step.pipelines.with_value(|p| p.len() > 1);
    let pipeline_picker = move || {
        several.then(|| {
            let on_change = move |ev| {
                step.pipeline.set(event_target_value(&ev).parse().ok());
                step.chosen.set(BTreeMap::new());
            };
            view! {
                <p class="pipeline-pick">
                    <label for="import-pipeline">{t!(i18n, reports.pipeline)}</label>
                    <select id="import-pipeline" on:change=on_change>
                        {step.pipelines.get_value().into_iter().map(|p| view! {
                            <option value=p.id.to_string() selected=move || step.pipeline.get() == Some(p.id)>{p.name}</option>
                        }).collect_view()}
                    </select>
                </p>
            }
        })
    };
    let control = move |i: usize, value: String, to: String| {
        let id = format!("value-{i}");
        let set = move |ev| {
            let v = event_target_value(&ev);
            step.chosen.update(|c| {
                c.insert(value.clone(), v);
            });
        };
        match kind {
            ImportKind::Contacts => view! { <input id=id type="text" prop:value=to on:change=set /> }.into_any(),
            ImportKind::Leads => view! {
                <select id=id on:change=set>
                    {STATUSES.into_iter().map(|s| view! {
                        <option value=s selected=to == s>{move || crate::labels::lead_status(i18n.get_locale(), s)}</option>
                    }).collect_view()}
                </select>
            }
            .into_any(),
            _ => {
                let stages = step.stages();
                view! {
                    <select id=id on:change=set>
                        {stages.into_iter().map(|(sid, name)| {
                            let sid = sid.to_string();
                            view! { <option value=sid.clone() selected=to == sid>{name}</option> }
                        }).collect_view()}
                        <option value=WON selected=to == WON>{t!(i18n, pipeline.won)}</option>
                        <option value=LOST selected=to == LOST>{t!(i18n, pipeline.lost)}</option>
                    </select>
                }
                .into_any()
            }
        }
    };
    let rows = move || {
        step.rows()
            .into_iter()
            .enumerate()
            .map(|(i, (value, to, known))| {
                let label_for = format!("value-{i}");
                view! {
                    <tr>
                        <th scope="row"><label for=label_for>{value.clone()}</label></th>
                        <td>
                            {control(i, value, to)}
                            {(!known).then(|| view! { <span class="badge warn">{t!(i18n, imports.not_recognised)}</span> })}
                        </td>
                    </tr>
                }
            })
            .collect_view()
    };
    let unknown = move || step.rows().iter().filter(|r| !r.2).count() as u64;
    let too_many = move || matches!(step.values(), Some(None));
    view! {
        <Show when=shown>
            <section class="value-step" aria-labelledby="import-values">
                <h2 id="import-values">{t!(i18n, imports.values)}</h2>
                <p class="hint">{hint}</p>
                {pipeline_picker}
                <Show when=move || { kind != ImportKind::Contacts && unknown() > 0 }>
                    <p class="warn" role="status">{t!(i18n, imports.unknown_values, count = unknown)}</p>
                </Show>
                <Show
                    when=move || !too_many()
                    fallback=move || view! { <p class="hint">{t!(i18n, imports.too_many_values)}</p> }
                >
                    <div class="table-wrap">
                        <table class="records" aria-label=move || t_string!(i18n, imports.values)>
                            <thead><tr>
                                <th scope="col">{t!(i18n, imports.in_file)}</th>
                                <th scope="col">{t!(i18n, imports.in_keel)}</th>
                            </tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                </Show>
            </section>
        </Show>
    }
}
