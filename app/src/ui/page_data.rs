//! A page's data, loaded once per server render. The server renders a route's view in phases
//! (start the loads, wait for them, write the page) and the router builds the view again in each,
//! so a plain `Resource::new` in a page loaded its data three times per request, and the page
//! carried each copy to the browser. `page_resource` hands the later builds the first one.
use leptos::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::future::Future;

/// The resources one server render has made, by call site, type and source; the server provides
/// one per request (`PageResources::default()`). Without it (in the browser, in tests) every call
/// makes its own resource.
#[derive(Clone, Default)]
pub struct PageResources {
    #[cfg(feature = "ssr")]
    inner: std::sync::Arc<Inner>,
}

/// Each resource with the owner of the build that made it: kept here, that owner (and the
/// resource, its source's signals and the contexts it reads) lives as long as the request, though
/// the build itself is dropped after its phase.
#[cfg(feature = "ssr")]
type Inner = std::sync::Mutex<
    std::collections::HashMap<
        (&'static std::panic::Location<'static>, &'static str, String),
        (Owner, Box<dyn std::any::Any + Send + Sync>),
    >,
>;

/// `Resource::new(source, fetcher)`, made once per server render: a later build of the same page
/// part with the same source gets the first build's resource.
#[track_caller]
pub fn page_resource<S, T, Fut>(
    source: impl Fn() -> S + Send + Sync + 'static,
    fetcher: impl Fn(S) -> Fut + Send + Sync + 'static,
) -> Resource<T>
where
    S: PartialEq + Clone + Serialize + Send + Sync + 'static,
    T: Serialize + DeserializeOwned + Send + Sync + 'static,
    Fut: Future<Output = T> + Send + 'static,
{
    #[cfg(feature = "ssr")]
    if let (Some(PageResources { inner }), Some(owner)) =
        (use_context::<PageResources>(), Owner::current())
    {
        // The call site, what it loads (a generic page part loads other types from one site)
        // and from what.
        let key = (
            std::panic::Location::caller(),
            std::any::type_name::<T>(),
            serde_json::to_string(&untrack(&source)).unwrap_or_default(),
        );
        let mut made = inner.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(resource) = made
            .get(&key)
            .and_then(|(_, r)| r.downcast_ref::<Resource<T>>())
        {
            return *resource;
        }
        let resource = Resource::new(source, fetcher);
        made.insert(key, (owner, Box::new(resource)));
        return resource;
    }
    Resource::new(source, fetcher)
}
