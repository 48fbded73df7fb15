//! `/api/v1/contacts`: the contacts domain's code, as the UI's server functions call it.
use app::contacts::model::{Contact, ContactId, ContactInput, ContactRow};

record_kind!(
    Contacts,
    Contacts,
    contacts,
    Contact,
    ContactId,
    ContactRow,
    ContactInput,
    |input| input.parse(chrono::Utc::now().date_naive())
);

record_routes!(
    Contacts,
    "contacts",
    "/contacts",
    "/contacts/{id}",
    Contact,
    ContactRow,
    ContactInput
);
