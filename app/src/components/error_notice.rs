//! How a failed API call is shown: in the visitor's language, with a way to try again.

use leptos::prelude::*;
use shared::api::ApiError;

use crate::i18n::use_messages;

/// An alert with the error's message and a retry button.
#[component]
pub fn ErrorNotice(
    /// The error the API answered.
    error: ApiError,
    /// What trying again does.
    on_retry: Callback<()>,
) -> impl IntoView {
    let t = use_messages();
    let code = error.code;
    view! {
        <div class="notice notice--error" role="alert">
            // The client's own catalogue, so the text follows a language switch.
            <p>{move || (t.get().error)(code)}</p>
            {error.reference.map(|reference| view! { <p class="notice__reference">{reference}</p> })}
            <button type="button" on:click=move |_| on_retry.run(())>
                {move || t.get().home.retry}
            </button>
        </div>
    }
}
