//! The translations (English and Chinese, from `app/locales/`), generated when the crate compiles:
//! `use_i18n`, `Locale`, and the `t!` family of macros.

// The proc-macro form is deprecated in favour of build.rs codegen, which would add the ICU data
// exporter to every build; the macro reads the same JSON files for a fraction of the compile time.
#[allow(deprecated)]
mod generated {
    leptos_i18n::load_locales!();
}
pub use generated::i18n::*;
