//! The import pages: upload a CSV file, then map its columns, see the first rows checked, choose
//! what happens to duplicates and bad rows, and follow the import to its outcome.
use leptos::prelude::*;
use leptos_router::components::A;

use super::api::{import_preview, import_sheet, import_status, start_import};
use super::model::{
    ImportKind, ImportOptions, OnDuplicate, Preview, Progress, Shape, apply_values, parse_row,
    row_input,
};
use super::values_view::{ValueMapping, ValueStep};
use crate::error::AppError;
use crate::i18n::*;
use crate::records::views::{RecordPage, id_param};
use crate::ui::{ErrorMessage, FieldError, invalid_text};

/// Sends the chosen file as it is (any encoding) and answers the new import's id.
#[cfg(feature = "hydrate")]
async fn upload(kind: ImportKind, file: web_sys::File) -> Result<uuid::Uuid, AppError> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let network = |_| AppError::Network;
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_body(&file);
    let headers = web_sys::Headers::new().map_err(network)?;
    headers
        .set("x-file-name", &crate::ui::url::encode(&file.name()))
        .map_err(network)?;
    init.set_headers(&headers);
    let res: web_sys::Response = JsFuture::from(
        window().fetch_with_str_and_init(&format!("/import/{}", kind.as_str()), &init),
    )
    .await
    .map_err(network)?
    .dyn_into()
    .map_err(network)?;
    let text = JsFuture::from(res.text().map_err(network)?)
        .await
        .map_err(network)?
        .as_string()
        .unwrap_or_default();
    if res.ok() {
        serde_json::from_str(&text).map_err(|_| AppError::BadRequest)
    } else {
        Err(serde_json::from_str(&text).unwrap_or(AppError::BadRequest))
    }
}

/// The import page's title for a kind of record.
fn title(i18n: leptos_i18n::I18nContext<Locale>, kind: ImportKind) -> String {
    match kind {
        ImportKind::Contacts => t_string!(i18n, imports.title),
        ImportKind::Companies => t_string!(i18n, imports.title_companies),
        ImportKind::Leads => t_string!(i18n, imports.title_leads),
        ImportKind::Deals => t_string!(i18n, imports.title_deals),
        ImportKind::Notes => t_string!(i18n, imports.title_notes),
    }
    .to_string()
}

/// The list an import fills, as a link back to it.
fn list_link(i18n: leptos_i18n::I18nContext<Locale>, kind: ImportKind) -> impl IntoView {
    let label = move || match kind {
        ImportKind::Contacts | ImportKind::Notes => t_string!(i18n, contacts.title),
        ImportKind::Companies => t_string!(i18n, companies.title),
        ImportKind::Leads => t_string!(i18n, leads.title),
        ImportKind::Deals => t_string!(i18n, pipeline.title),
    };
    view! { <A href=kind.path() attr:class="button">{label}</A> }
}

/// A link to the import page of a list, for its header.
pub fn import_link(kind: ImportKind) -> impl IntoView {
    let i18n = use_i18n();
    view! { <A href=format!("/{}/import", kind.as_str()) attr:class="button">{move || title(i18n, kind)}</A> }
}

/// What the file picker offers: CSV and workbooks.
const ACCEPT: &str = ".csv,.xlsx,.xls,.ods,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// How a team moves in from another CRM: its files in the order that links them.
fn moving_in(i18n: leptos_i18n::I18nContext<Locale>) -> impl IntoView {
    let order = [
        ImportKind::Companies,
        ImportKind::Contacts,
        ImportKind::Deals,
        ImportKind::Notes,
    ];
    view! {
        <section class="panel" aria-labelledby="moving-in">
            <h2 id="moving-in">{t!(i18n, imports.moving_in)}</h2>
            <p class="hint">{t!(i18n, imports.moving_in_hint)}</p>
            <ol class="steps">
                {order.map(|k| view! {
                    <li><A href=format!("/{}/import", k.as_str())>{move || title(i18n, k)}</A></li>
                }).into_iter().collect_view()}
            </ol>
        </section>
    }
}

/// `/{kind}/import`.
#[component]
pub fn ImportUploadPage(kind: ImportKind) -> impl IntoView {
    let i18n = use_i18n();
    let file = NodeRef::<leptos::html::Input>::new();
    let error = RwSignal::new(None::<AppError>);
    let pending = RwSignal::new(false);
    let navigate = leptos_router::hooks::use_navigate();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        #[cfg(feature = "hydrate")]
        {
            let chosen = file.get().and_then(|i| i.files()).and_then(|f| f.get(0));
            let Some(chosen) = chosen else {
                error.set(Some(AppError::invalid(
                    "file",
                    crate::error::Invalid::Required,
                )));
                return;
            };
            error.set(None);
            pending.set(true);
            let navigate = navigate.clone();
            leptos::task::spawn_local(async move {
                match upload(kind, chosen).await {
                    Ok(id) => navigate(&format!("/imports/{id}"), Default::default()),
                    Err(e) => error.set(Some(e)),
                }
                pending.set(false);
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (&navigate, file);
    };
    let form_error = Signal::derive(move || error.get().filter(|e| e.field("file").is_none()));
    view! {
        <crate::ui::PageHeader title=move || title(i18n, kind)>
            {list_link(i18n, kind)}
        </crate::ui::PageHeader>
        <section class="panel">
            <form class="form" novalidate on:submit=on_submit>
                <label for="import-file">{t!(i18n, imports.file)}</label>
                <input id="import-file" type="file" accept=ACCEPT node_ref=file aria-describedby="import-file-hint import-file-error" />
                <p class="hint" id="import-file-hint">{t!(i18n, imports.file_hint)}</p>
                <FieldError id="import-file-error" field="file" error />
                <ErrorMessage error=form_error />
                <button type="submit" class="primary" disabled=move || pending.get()>{t!(i18n, imports.upload)}</button>
            </form>
        </section>
        {moving_in(i18n)}
    }
}

/// `/imports/:id`.
#[component]
pub fn ImportPage() -> impl IntoView {
    let id = id_param(|u| u);
    view! {
        <RecordPage id load=import_preview view=|p: Preview, _, _| view! { <ImportForm preview=p /> }.into_any() />
    }
}

#[component]
fn ImportForm(preview: Preview) -> impl IntoView {
    let i18n = use_i18n();
    let id = preview.id;
    let kind = preview.kind;
    let deal = kind == ImportKind::Deals;
    let label = move |key: &str| crate::labels::field_label(i18n, key, deal);
    let mapping = RwSignal::new(preview.mapping.clone());
    let on_duplicate = RwSignal::new(OnDuplicate::Skip);
    let all_or_nothing = RwSignal::new(false);
    let progress = RwSignal::new(preview.result.clone().map(|r| Progress {
        done: preview.rows,
        rows: preview.rows,
        result: Some(r),
        ..Default::default()
    }));
    // Started earlier (in another tab, or before a reload): follow it from what the server knows.
    if preview.started && preview.result.is_none() {
        progress.set(Some(Progress {
            rows: preview.rows,
            ..Default::default()
        }));
    }
    let started = preview.started && preview.result.is_none();
    let expired = preview.expired;
    let (file_name, encoding) = (preview.file_name.clone(), preview.encoding.clone());
    let error = RwSignal::new(None::<AppError>);
    let today = chrono::Utc::now().date_naive();
    let shape = preview.shape;
    let (sheets, current_sheet) = (preview.sheets.clone(), preview.sheet.clone());
    let values = ValueStep {
        kind,
        mapping,
        distinct: StoredValue::new(preview.distinct.clone()),
        pipelines: StoredValue::new(preview.pipelines.clone()),
        pipeline: RwSignal::new(preview.pipelines.first().map(|p| p.id)),
        chosen: RwSignal::new(Default::default()),
    };

    // Follows a started import until it has an outcome.
    let follow = move || {
        leptos::task::spawn_local(async move {
            loop {
                match import_status(id).await {
                    Ok(p) => {
                        let done = p.result.is_some() || p.error.is_some() || p.interrupted;
                        progress.set(Some(p));
                        if done {
                            break;
                        }
                    }
                    Err(e) => {
                        error.set(Some(e));
                        break;
                    }
                }
                #[cfg(feature = "hydrate")]
                gloo_timers::future::TimeoutFuture::new(300).await;
            }
        });
    };
    let start = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        leptos::task::spawn_local(async move {
            let options = ImportOptions {
                values: values.choices(),
                pipeline: values.pipeline.get_untracked(),
            };
            let r = start_import(
                id,
                mapping.get_untracked(),
                on_duplicate.get_untracked(),
                all_or_nothing.get_untracked(),
                options,
            )
            .await;
            match r {
                Ok(()) => {
                    progress.set(Some(Progress::default()));
                    follow();
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };

    let headers = StoredValue::new(preview.headers.clone());
    let sample = StoredValue::new(preview.sample.clone());
    // A closure, not a view built once: the page may render the rows again, and views are not
    // `Clone` where their types are erased (the release build).
    let columns = move || {
        headers.with_value(|headers| {
            headers
                .iter()
                .enumerate()
                .map(|(i, h)| {
                    let example = sample.with_value(|s| s.first().and_then(|r| r.cells.get(i)).cloned().unwrap_or_default());
                    let select_id = format!("map-{i}");
                    let on_change = move |ev| {
                        let v = event_target_value(&ev);
                        mapping.update(|m| m[i] = v);
                    };
                    view! {
                        <tr>
                            <th scope="row"><label for=select_id.clone()>{h.clone()}</label></th>
                            <td class="muted">{example}</td>
                            <td>
                                <select id=select_id on:change=on_change>
                                    <option value="" selected=move || mapping.with(|m| m[i].is_empty())>{t!(i18n, imports.skip_column)}</option>
                                    {kind.fields().iter().map(|(key, _)| view! {
                                        <option value=*key selected=move || mapping.with(|m| m[i] == *key)>{move || label(key)}</option>
                                    }).collect_view()}
                                </select>
                            </td>
                        </tr>
                    }
                })
                .collect_view()
        })
    };
    // The first rows as the mapping reads them, each with what would be refused.
    let checked = move || {
        let m = mapping.get();
        let choices = values.choices();
        sample.with_value(|rows| {
            rows.iter()
                .map(|row| {
                    let mut input = row_input(kind, &m, &row.cells);
                    apply_values(kind, &mut input, &choices);
                    let verdict = match parse_row(kind, &input, today) {
                        Ok(_) => view! { <span class="ok">{t!(i18n, imports.row_ok)}</span> }.into_any(),
                        Err(AppError::Validation { fields }) => fields
                            .into_iter()
                            .map(|(f, why)| view! { <span class="field-error">{label(&f)}": "{invalid_text(i18n, why)}" "</span> })
                            .collect_view()
                            .into_any(),
                        Err(_) => ().into_any(),
                    };
                    let cells = kind.preview_fields().map(|f| view! { <td>{input.get(f).cloned().unwrap_or_default()}</td> });
                    view! {
                        <tr>
                            <td>{row.line}</td>
                            // What would be refused first: a wide row scrolls, its verdict stays in view.
                            <td>{verdict}</td>
                            {cells.into_iter().collect_view()}
                        </tr>
                    }
                })
                .collect_view()
        })
    };
    let dup_choice = move |value: OnDuplicate, label: AnyView| {
        view! {
            <label class="check">
                <input type="radio" name="on_duplicate" checked=move || on_duplicate.get() == value on:change=move |_| on_duplicate.set(value) />
                {label}
            </label>
        }
    };
    let running = move || progress.with(|p| p.is_some());
    // Follows an import started before this page was opened (effects run in the browser only).
    Effect::new(move |_| {
        if started {
            follow();
        }
    });
    view! {
        <crate::ui::PageHeader
            title=move || title(i18n, kind)
            subtitle=ViewFn::from(move || {
                let (name, encoding, rows) = (file_name.clone(), encoding.clone(), preview.rows);
                view! { {name} " · " {encoding} " · " {t!(i18n, imports.rows, count = move || rows as u64)} }
            })
        />
        {expired.then(|| view! { <p class="panel error" role="alert">{t!(i18n, imports.expired)}</p> })}
        {(shape != Shape::Spreadsheet && !expired).then(|| view! {
            <p class="panel notice import" role="status">{t!(i18n, imports.shape, product = move || shape.product())}</p>
        })}
        <Show when=move || !running() && !expired>
            <form class="panel form import" on:submit=start>
                {sheet_picker(id, sheets.clone(), current_sheet.clone())}
                <h2>{t!(i18n, imports.mapping)}</h2>
                <div class="table-wrap">
                    <table class="records" aria-label=move || t_string!(i18n, imports.mapping)>
                        <thead><tr>
                            <th scope="col">{t!(i18n, imports.column)}</th>
                            <th scope="col">{t!(i18n, imports.example)}</th>
                            <th scope="col">{t!(i18n, imports.field)}</th>
                        </tr></thead>
                        <tbody>{columns()}</tbody>
                    </table>
                </div>
                <h2>{t!(i18n, imports.preview)}</h2>
                <div class="table-wrap">
                    <table class="records" aria-label=move || t_string!(i18n, imports.preview)>
                        <thead><tr>
                            <th scope="col">{t!(i18n, imports.line)}</th>
                            <th scope="col">{t!(i18n, imports.check)}</th>
                            {kind.preview_fields().map(|f| view! { <th scope="col">{move || label(f)}</th> }).into_iter().collect_view()}
                        </tr></thead>
                        <tbody>{checked}</tbody>
                    </table>
                </div>
                <ValueMapping step=values />
                // Deals and notes match by their old id only: without one, every row is new.
                <Show when=move || !matches!(kind, ImportKind::Deals | ImportKind::Notes) || mapping.with(|m| m.iter().any(|f| f == "external_id"))>
                    <fieldset aria-describedby="import-dup-hint">
                        <legend>{t!(i18n, imports.duplicates)}</legend>
                        <p class="hint" id="import-dup-hint">{t!(i18n, imports.dup_hint)}</p>
                        {dup_choice(OnDuplicate::Skip, t!(i18n, imports.dup_skip).into_any())}
                        {(kind != ImportKind::Notes).then(|| dup_choice(OnDuplicate::Update, t!(i18n, imports.dup_update).into_any()))}
                        {dup_choice(OnDuplicate::Create, t!(i18n, imports.dup_create).into_any())}
                    </fieldset>
                </Show>
                <label class="check">
                    <input type="checkbox" checked=move || all_or_nothing.get() on:change=move |ev| all_or_nothing.set(event_target_checked(&ev)) />
                    {t!(i18n, imports.all_or_nothing)}
                </label>
                <FieldError id="import-mapping-error" field="mapping" error />
                <ErrorMessage error=Signal::derive(move || error.get().filter(|e| e.field("mapping").is_none())) />
                <button type="submit" class="primary">{t!(i18n, imports.start)}</button>
            </form>
        </Show>
        {move || progress.get().map(|p| view! { <Outcome progress=p kind /> })}
    }
}

/// A workbook's sheets, when it has several: choosing one reads it instead (the page reloads with
/// its columns).
fn sheet_picker(id: uuid::Uuid, sheets: Vec<String>, current: String) -> impl IntoView {
    let i18n = use_i18n();
    let error = RwSignal::new(None::<AppError>);
    let on_change = move |ev| {
        let sheet = event_target_value(&ev);
        leptos::task::spawn_local(async move {
            match import_sheet(id, sheet).await {
                #[cfg(feature = "hydrate")]
                Ok(_) => {
                    let _ = window().location().reload();
                }
                #[cfg(not(feature = "hydrate"))]
                Ok(_) => {}
                Err(e) => error.set(Some(e)),
            }
        });
    };
    (sheets.len() > 1).then(|| {
        view! {
            <label for="import-sheet">{t!(i18n, imports.sheet)}</label>
            <select id="import-sheet" on:change=on_change aria-describedby="import-sheet-error">
                {sheets.into_iter().map(|s| {
                    let (selected, value) = (s == current, s.clone());
                    view! { <option value=value selected=selected>{s}</option> }
                }).collect_view()}
            </select>
            <FieldError id="import-sheet-error" field="sheet" error />
        }
    })
}

#[component]
fn Outcome(progress: Progress, kind: ImportKind) -> impl IntoView {
    let i18n = use_i18n();
    let label = move |key: &str| crate::labels::field_label(i18n, key, kind == ImportKind::Deals);
    let (done, rows) = (progress.done, progress.rows.max(1));
    let Some(r) = progress.result else {
        if progress.error.is_some() || progress.interrupted {
            let why = match progress.error {
                Some(e) => view! { <ErrorMessage error=Signal::stored(Some(e)) /> }.into_any(),
                None => view! { <p class="error" role="alert">{t!(i18n, imports.interrupted)}</p> }
                    .into_any(),
            };
            return view! {
                <section class="panel" aria-labelledby="import-stopped">
                    <h2 id="import-stopped">{t!(i18n, imports.stopped)}</h2>
                    {why}
                    <p>{t!(i18n, imports.stopped_after, n = move || done, rows = move || rows)}</p>
                </section>
            }
            .into_any();
        }
        return view! {
            <section class="panel" aria-labelledby="import-running">
                <h2 id="import-running">{t!(i18n, imports.running)}</h2>
                <progress max=rows value=done aria-labelledby="import-running"></progress>
                <p>{done} " / " {rows}</p>
            </section>
        }
        .into_any();
    };
    let (created, updated, skipped, failed) = (r.created, r.updated, r.skipped, r.failed);
    let unlinked = r.unlinked as u64;
    let owners = r.unknown_owners.join(", ");
    let headline = if r.committed {
        t!(i18n, imports.done).into_any()
    } else {
        t!(i18n, imports.nothing_written).into_any()
    };
    view! {
        <section class="panel" aria-labelledby="import-outcome">
            <h2 id="import-outcome">{headline}</h2>
            <ul class="figures" role="status">
                <li>{t!(i18n, imports.created, n = move || created)}</li>
                <li>{t!(i18n, imports.updated, n = move || updated)}</li>
                <li>{t!(i18n, imports.skipped, count = move || skipped as u64)}</li>
                <li>{t!(i18n, imports.failed, count = move || failed as u64)}</li>
            </ul>
            {(unlinked > 0).then(|| view! { <p class="warn">{t!(i18n, imports.unlinked, count = move || unlinked)}</p> })}
            {(!owners.is_empty()).then(|| view! { <p class="warn">{t!(i18n, imports.unknown_owners, names = move || owners.clone())}</p> })}
            {(!r.errors.is_empty()).then(|| view! {
                <table class="records" aria-label=move || t_string!(i18n, imports.errors)>
                    <thead><tr>
                        <th scope="col">{t!(i18n, imports.line)}</th>
                        <th scope="col">{t!(i18n, imports.field)}</th>
                        <th scope="col">{t!(i18n, imports.problem)}</th>
                    </tr></thead>
                    <tbody>
                        {r.errors.into_iter().map(|e| view! {
                            <tr><td>{e.line}</td><td>{label(&e.field)}</td><td>{invalid_text(i18n, e.why)}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            })}
            {list_link(i18n, kind)}
        </section>
    }
    .into_any()
}
