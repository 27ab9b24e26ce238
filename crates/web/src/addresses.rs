//! `/addresses`: the address book (地址簿) — list, add, edit, set default,
//! delete. The form can come back to the checkout that sent the buyer here.

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use yc_domain::AddressId;
use yc_domain::address::{Address, AddressDraft, mask_phone};
use yc_services::{ServiceError, Services};

use crate::error::{WebError, classify};
use crate::session::{Auth, encode, safe_next};
use crate::views::{Chrome, render};

pub struct AddressRow {
    pub id: String,
    pub recipient: String,
    pub phone: String,
    pub text: String,
    pub is_default: bool,
}

#[derive(Template)]
#[template(path = "addresses.html")]
pub struct AddressesPage {
    pub c: Chrome,
    pub rows: Vec<AddressRow>,
}

pub async fn list(State(services): State<Services>, auth: Auth) -> Result<Html<String>, WebError> {
    let rows = services
        .addresses(&auth.user)
        .await?
        .iter()
        .map(|a| AddressRow {
            id: a.id.to_string(),
            recipient: a.recipient.clone(),
            phone: mask_phone(&a.phone),
            text: a.full_text(),
            is_default: a.is_default,
        })
        .collect();
    Ok(render(&AddressesPage {
        c: Chrome::new(&auth.ctx, "me", "addresses_title").with_back("/me"),
        rows,
    })?)
}

#[derive(Template)]
#[template(path = "address_form.html")]
pub struct AddressForm {
    pub c: Chrome,
    pub action: String,
    pub next: String,
    pub v: AddressInput,
    pub error: Option<String>,
    pub error_field: &'static str,
}

/// The form's fields as typed (also what it posts).
#[derive(Deserialize, Default, Clone)]
pub struct AddressInput {
    #[serde(default)]
    pub recipient: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub province: String,
    #[serde(default)]
    pub city: String,
    #[serde(default)]
    pub district: String,
    #[serde(default)]
    pub detail: String,
    pub is_default: Option<String>,
    pub next: Option<String>,
}

impl AddressInput {
    fn from_address(a: &Address) -> Self {
        AddressInput {
            recipient: a.recipient.clone(),
            phone: a.phone.clone(),
            province: a.province.clone(),
            city: a.city.clone(),
            district: a.district.clone(),
            detail: a.detail.clone(),
            is_default: a.is_default.then(|| "1".to_owned()),
            next: None,
        }
    }
    fn draft(&self) -> AddressDraft {
        AddressDraft {
            recipient: self.recipient.clone(),
            phone: self.phone.clone(),
            province: self.province.clone(),
            city: self.city.clone(),
            district: self.district.clone(),
            detail: self.detail.clone(),
            is_default: self.is_default.is_some(),
        }
    }
    pub fn default_checked(&self) -> bool {
        self.is_default.is_some()
    }
}

#[derive(Deserialize)]
pub struct NextQuery {
    pub next: Option<String>,
}

fn next_or_list(next: Option<&str>) -> String {
    next.map_or_else(|| "/addresses".to_owned(), |n| safe_next(Some(n)))
}

fn form_page(
    auth: &Auth,
    action: String,
    next: String,
    v: AddressInput,
    edit: bool,
) -> AddressForm {
    let title = if edit { "address_edit" } else { "address_new" };
    AddressForm {
        c: Chrome::new(&auth.ctx, "me", title).with_back(&next),
        action,
        next,
        v,
        error: None,
        error_field: "",
    }
}

pub async fn new_form(auth: Auth, Query(q): Query<NextQuery>) -> Result<Html<String>, WebError> {
    let next = next_or_list(q.next.as_deref());
    let action = format!("/addresses?next={}", encode(&next));
    Ok(render(&form_page(
        &auth,
        action,
        next,
        AddressInput::default(),
        false,
    ))?)
}

async fn find(services: &Services, auth: &Auth, id: &str) -> Result<Address, WebError> {
    let id: AddressId = id.parse().map_err(|_| WebError::NotFound)?;
    services
        .addresses(&auth.user)
        .await?
        .into_iter()
        .find(|a| a.id == id)
        .ok_or(WebError::NotFound)
}

pub async fn edit_form(
    State(services): State<Services>,
    auth: Auth,
    Path(id): Path<String>,
    Query(q): Query<NextQuery>,
) -> Result<Html<String>, WebError> {
    let a = find(&services, &auth, &id).await?;
    let next = next_or_list(q.next.as_deref());
    let action = format!("/addresses/{}?next={}", a.id, encode(&next));
    let v = AddressInput::from_address(&a);
    Ok(render(&form_page(&auth, action, next, v, true))?)
}

pub async fn create(
    State(services): State<Services>,
    auth: Auth,
    Query(q): Query<NextQuery>,
    Form(input): Form<AddressInput>,
) -> Result<Response, WebError> {
    save(services, auth, None, q, input).await
}

pub async fn update(
    State(services): State<Services>,
    auth: Auth,
    Path(id): Path<String>,
    Query(q): Query<NextQuery>,
    Form(input): Form<AddressInput>,
) -> Result<Response, WebError> {
    let id: AddressId = id.parse().map_err(|_| WebError::NotFound)?;
    save(services, auth, Some(id), q, input).await
}

async fn save(
    services: Services,
    auth: Auth,
    id: Option<AddressId>,
    q: NextQuery,
    input: AddressInput,
) -> Result<Response, WebError> {
    let next = next_or_list(q.next.as_deref().or(input.next.as_deref()));
    match services.save_address(&auth.user, id, input.draft()).await {
        Ok(_) => Ok(Redirect::to(&next).into_response()),
        Err(e @ (ServiceError::Invalid(_) | ServiceError::LimitReached(_))) => {
            let failure = classify(&e);
            let action = match id {
                Some(id) => format!("/addresses/{id}?next={}", encode(&next)),
                None => format!("/addresses?next={}", encode(&next)),
            };
            let mut page = form_page(&auth, action, next, input, id.is_some());
            page.error = Some(failure.message.text(auth.ctx.lang));
            page.error_field = match &e {
                ServiceError::Invalid(v) => v.field,
                _ => "",
            };
            Ok((failure.status, render(&page)?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn make_default(
    State(services): State<Services>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Redirect, WebError> {
    let a = find(&services, &auth, &id).await?;
    let mut input = AddressInput::from_address(&a);
    input.is_default = Some("1".into());
    services
        .save_address(&auth.user, Some(a.id), input.draft())
        .await?;
    Ok(Redirect::to("/addresses"))
}

pub async fn delete(
    State(services): State<Services>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Redirect, WebError> {
    let id: AddressId = id.parse().map_err(|_| WebError::NotFound)?;
    services.delete_address(&auth.user, id).await?;
    Ok(Redirect::to("/addresses"))
}
