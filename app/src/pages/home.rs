//! The home page: "Our service commitments", filterable by service area.
//!
//! The list is loaded once from the API (on the server for the first render); the area
//! filter is a query parameter, so it works without JavaScript, and once hydrated the router
//! applies it in place without a page load.

use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use shared::api::{CommitmentsQuery, CommitmentsResponse};
use shared::{Commitment, Commitments, ServiceArea};

use crate::api;
use crate::components::error_notice::ErrorNotice;
use crate::components::page_title::PageTitle;
use crate::i18n::use_messages;

/// The home page.
#[component]
pub fn HomePage() -> impl IntoView {
    let t = use_messages();
    let commitments = Resource::new(|| (), |_| api::commitments(CommitmentsQuery::default()));
    let retry = Callback::new(move |_| commitments.refetch());

    view! {
        <PageTitle text=|m| m.home.title />
        <section class="page" aria-labelledby="commitments-heading">
            <h1 id="commitments-heading">{move || t.get().home.commitments_heading}</h1>
            <p class="lead">{move || t.get().home.commitments_intro}</p>
            <Transition fallback=move || {
                view! { <p role="status" class="loading">{move || t.get().home.loading}</p> }
            }>
                {move || Suspend::new(async move {
                    match commitments.await {
                        Ok(response) => Either::Left(view! { <CommitmentsTable response /> }),
                        Err(error) => Either::Right(view! { <ErrorNotice error on_retry=retry /> }),
                    }
                })}
            </Transition>
        </section>
    }
}

/// The area filter and the table of commitments.
#[component]
fn CommitmentsTable(response: CommitmentsResponse) -> impl IntoView {
    let t = use_messages();
    let query = use_query_map();
    let selected = Memo::new(move |_| query.read().get("area").and_then(|a| a.parse::<ServiceArea>().ok()));
    let as_of = response.as_of;
    let all = StoredValue::new(Commitments::new(response.items));
    let areas = all.with_value(Commitments::areas);

    let visible = move || -> Vec<Commitment> { all.with_value(|set| set.in_area(selected.get()).cloned().collect()) };

    view! {
        <nav class="filters" aria-label=move || t.get().home.filter_label>
            <ul>
                <FilterLink area=None selected />
                {areas
                    .into_iter()
                    .map(|area| view! { <FilterLink area=Some(area) selected /> })
                    .collect_view()}
            </ul>
        </nav>
        <p class="summary" role="status" aria-live="polite">
            {move || {
                let m = t.get();
                (m.home.as_of)(&(m.date)(as_of), all.with_value(|set| set.in_area(selected.get()).count()))
            }}
        </p>
        <table class="commitments">
            <thead>
                <tr>
                    <th scope="col">{move || t.get().home.column_service}</th>
                    <th scope="col">{move || t.get().home.column_area}</th>
                    <th scope="col">{move || t.get().home.column_limit}</th>
                    <th scope="col">{move || t.get().home.column_since}</th>
                </tr>
            </thead>
            <tbody>
                {move || {
                    let m = t.get();
                    let rows = visible();
                    if rows.is_empty() {
                        return Either::Left(view! {
                            <tr>
                                <td colspan="4">{m.home.empty}</td>
                            </tr>
                        });
                    }
                    Either::Right(rows.into_iter()
                        .map(|c| {
                            let label = (m.commitment)(c.code.as_str())
                                .map(str::to_owned)
                                .unwrap_or_else(|| c.code.to_string());
                            view! {
                                <tr data-code=c.code.to_string()>
                                    <th scope="row" data-label=m.home.column_service>{label}</th>
                                    <td data-label=m.home.column_area>{(m.area)(c.area)}</td>
                                    <td data-label=m.home.column_limit class="limit">{(m.limit)(c.limit, c.unit)}</td>
                                    <td data-label=m.home.column_since>{(m.date)(c.effective_from)}</td>
                                </tr>
                            }
                        })
                        .collect_view())
                }}
            </tbody>
        </table>
    }
}

/// One filter choice; a plain link, so it also works before (or without) the Wasm.
#[component]
fn FilterLink(area: Option<ServiceArea>, selected: Memo<Option<ServiceArea>>) -> impl IntoView {
    let t = use_messages();
    let href = match area {
        Some(area) => format!("/?area={}", area.as_str()),
        None => "/".to_owned(),
    };
    let name = move || match area {
        Some(area) => (t.get().area)(area),
        None => t.get().home.filter_all,
    };
    view! {
        <li>
            <a
                href=href
                class="filter"
                data-area=area.map(ServiceArea::as_str).unwrap_or("all")
                aria-current=move || (selected.get() == area).then_some("true")
            >
                {name}
            </a>
        </li>
    }
}
