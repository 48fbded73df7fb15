//! SQL for likely duplicates, within what the user may see.
use sqlx::{PgPool, Postgres, QueryBuilder};
use uuid::Uuid;

use super::model::{Candidate, Group, Likely, Why};
use crate::error::AppError;
use crate::lists::list_sql;
use crate::records::db::{Match, push_scope, push_search, scope_sql};
use crate::records::fields::{email_keys, phone_keys};
use crate::records::filter::search_term;
use crate::records::model::ListKind;
use crate::users::model::CurrentUser;

/// The table, its name column, and its email keys (companies have none).
fn table(kind: ListKind) -> (&'static str, &'static str, &'static str) {
    let (sql, t, _) = list_sql(kind);
    let email_keys = match kind {
        ListKind::Companies => "'{}'::text[]",
        _ => "r.email_keys",
    };
    (t, sql.name, email_keys)
}

/// Records that may be the one being typed in: the same email or phone, the same name, or a name
/// much like it (trigram word similarity, for names of four characters or more). At most five,
/// the surest first. `except` leaves out the record being edited.
pub async fn likely(
    pool: &PgPool,
    user: &CurrentUser,
    kind: ListKind,
    name: &str,
    emails: &str,
    phones: &str,
    except: Option<Uuid>,
) -> Result<Vec<Likely>, AppError> {
    let name = name.trim().to_lowercase();
    let (emails, phones) = (email_keys(emails), phone_keys(phones));
    likely_by_keys(pool, user, kind, &name, &emails, &phones, except).await
}

/// `likely` for a name (lower case, trimmed) and email and phone keys as the database stores them.
async fn likely_by_keys(
    pool: &PgPool,
    user: &CurrentUser,
    kind: ListKind,
    name: &str,
    emails: &[String],
    phones: &[String],
    except: Option<Uuid>,
) -> Result<Vec<Likely>, AppError> {
    let (t, col, email_keys_sql) = table(kind);
    if name.is_empty() && emails.is_empty() && phones.is_empty() {
        return Ok(Vec::new());
    }
    let scope = scope_sql(user, "r", "$4");
    let rows: Vec<(Uuid, String, String)> = sqlx::query_as(&format!(
        "SELECT r.id, {col},
                CASE WHEN {email_keys_sql} && $2 THEN 'email' WHEN r.phone_keys && $3 THEN 'phone' ELSE 'name' END AS why
           FROM {t} r
          WHERE r.deleted_at IS NULL AND r.id IS DISTINCT FROM $5
            AND ({email_keys_sql} && $2 OR r.phone_keys && $3
                 OR ($1 <> '' AND (lower({col}) = $1 OR (char_length($1) >= 4 AND $1 <% r.search_doc)))){scope}
          ORDER BY why, r.created_at, r.id LIMIT 5"
    ))
    .bind(name)
    .bind(emails)
    .bind(phones)
    .bind(user.id.0)
    .bind(except)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, name, why)| {
            Some(Likely {
                id,
                name,
                why: Why::parse(&why)?,
            })
        })
        .collect())
}

/// The records `id` may be merged with: with no search, its likely duplicates; with one, up to
/// eight others of its kind that the search finds (as the list's search does). Only records the
/// user may see, never `id` itself; `id` must be one the user may see.
pub async fn candidates(
    pool: &PgPool,
    user: &CurrentUser,
    kind: ListKind,
    id: Uuid,
    q: &str,
) -> Result<Vec<Candidate>, AppError> {
    crate::records::db::require_edit(user)?;
    let term = search_term(q)?;
    let (t, col, email_keys_sql) = table(kind);
    let scope = scope_sql(user, "r", "$2");
    let me: Option<(String, Vec<String>, Vec<String>)> = sqlx::query_as(&format!(
        "SELECT {col}, {email_keys_sql}, r.phone_keys FROM {t} r
          WHERE r.id = $1 AND r.deleted_at IS NULL{scope}"
    ))
    .bind(id)
    .bind(user.id.0)
    .fetch_optional(pool)
    .await?;
    let (name, emails, phones) = me.ok_or(AppError::NotFound)?;
    let Some(term) = term else {
        // The record's own keys, as stored: nothing to parse again.
        let name = name.trim().to_lowercase();
        let found = likely_by_keys(pool, user, kind, &name, &emails, &phones, Some(id));
        return Ok(found
            .await?
            .into_iter()
            .map(|l| Candidate {
                id: l.id,
                name: l.name,
                why: Some(l.why),
            })
            .collect());
    };
    let mut qb = QueryBuilder::<Postgres>::new(format!(
        "SELECT r.id, {col} FROM {t} r WHERE r.deleted_at IS NULL AND r.id <> "
    ));
    qb.push_bind(id);
    push_scope(&mut qb, user, "r");
    push_search(&mut qb, col, &term, Match::Substring);
    qb.push(format!(" ORDER BY lower({col}), r.id LIMIT 8"));
    let rows: Vec<(Uuid, String)> = qb.build_query_as().fetch_all(pool).await?;
    Ok(rows
        .into_iter()
        .map(|(id, name)| Candidate {
            id,
            name,
            why: None,
        })
        .collect())
}

/// Groups of records that share an email, a phone or a name, the largest first (at most 200).
pub async fn groups(
    pool: &PgPool,
    user: &CurrentUser,
    kind: ListKind,
) -> Result<Vec<Group>, AppError> {
    crate::records::db::require_edit(user)?;
    let (t, col, email_keys_sql) = table(kind);
    let scope = scope_sql(user, "r", "$1");
    let rows: Vec<(String, String, Vec<Uuid>, Vec<String>, i64)> = sqlx::query_as(&format!(
        "WITH r AS MATERIALIZED (
              SELECT r.id, {col} AS name, r.created_at, {email_keys_sql} AS email_keys, r.phone_keys
                FROM {t} r WHERE r.deleted_at IS NULL AND $1 IS NOT NULL{scope}),
         k AS (SELECT 'email' AS why, e AS key, id, name, created_at FROM r, unnest(r.email_keys) e
               UNION ALL SELECT 'phone', p, id, name, created_at FROM r, unnest(r.phone_keys) p
               UNION ALL SELECT 'name', lower(name), id, name, created_at FROM r)
         SELECT why, key, (array_agg(id ORDER BY created_at, id))[1:10], (array_agg(name ORDER BY created_at, id))[1:10], count(*)
           FROM k GROUP BY why, key HAVING count(*) > 1
          ORDER BY count(*) DESC, why, key LIMIT 200"
    ))
    .bind(user.id.0)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(why, key, ids, names, count)| {
            Some(Group {
                why: Why::parse(&why)?,
                key,
                records: ids.into_iter().zip(names).collect(),
                count,
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::users::db::test_user as user;
    use crate::users::model::Role;

    #[sqlx::test(migrations = "../migrations")]
    async fn likely_duplicates_are_found_by_email_phone_and_name_within_scope(pool: PgPool) {
        let sales = user(&pool, "s@t.test", Role::Sales, "East").await;
        let other = user(&pool, "o@t.test", Role::Sales, "West").await;
        let ids: Vec<Uuid> = sqlx::query_scalar(
            "INSERT INTO contacts (full_name, emails, phones, owner_id) VALUES
               ('Wang Wei', ARRAY['Wang.Wei@Example.cn'], '{}', $1),
               ('李娜', '{}', ARRAY['+86 138 0013 8000'], $1),
               ('Jonathan Appleseed', '{}', '{}', $1),
               ('Hidden Person', ARRAY['hidden@t.test'], '{}', $2),
               ('Wang Wei', '{}', '{}', $1)
             RETURNING id",
        )
        .bind(sales.id.0)
        .bind(other.id.0)
        .fetch_all(&pool)
        .await
        .unwrap();
        let find = |name: &'static str, emails: &'static str, phones: &'static str| {
            let (pool, sales) = (pool.clone(), sales.clone());
            async move {
                likely(
                    &pool,
                    &sales,
                    ListKind::Contacts,
                    name,
                    emails,
                    phones,
                    None,
                )
                .await
                .unwrap()
                .into_iter()
                .map(|l| (l.name, l.why))
                .collect::<Vec<_>>()
            }
        };
        assert_eq!(
            find("W. Wang", "wang.wei@example.CN", "").await,
            [
                ("Wang Wei".to_string(), Why::Email),
                ("Wang Wei".to_string(), Why::Name)
            ],
            "the same email first, then a similar name"
        );
        assert_eq!(
            find("", "", "(+86) 138-0013-8000").await,
            [("李娜".to_string(), Why::Phone)]
        );
        assert_eq!(
            find("李娜", "", "").await,
            [("李娜".to_string(), Why::Name)]
        );
        assert_eq!(
            find("Jonathan Appleseed", "", "").await,
            [("Jonathan Appleseed".to_string(), Why::Name)]
        );
        assert_eq!(
            find("Jonathon Appleseed", "", "").await,
            [("Jonathan Appleseed".to_string(), Why::Name)],
            "a typo"
        );
        assert!(
            find("Hidden Person", "hidden@t.test", "").await.is_empty(),
            "another team's"
        );
        assert!(find("Someone Else", "new@t.test", "").await.is_empty());
        let except = likely(
            &pool,
            &sales,
            ListKind::Contacts,
            "李娜",
            "",
            "",
            Some(ids[1]),
        )
        .await
        .unwrap();
        assert!(except.is_empty(), "not itself");

        let groups = groups(&pool, &sales, ListKind::Contacts).await.unwrap();
        assert_eq!(groups.len(), 1, "{groups:?}");
        assert_eq!(
            (groups[0].why, groups[0].key.as_str(), groups[0].count),
            (Why::Name, "wang wei", 2)
        );
        let mut both: Vec<Uuid> = groups[0].records.iter().map(|r| r.0).collect();
        both.sort();
        let mut want = vec![ids[0], ids[4]];
        want.sort();
        assert_eq!(both, want);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn merge_candidates_are_the_likely_duplicates_or_what_a_search_finds_within_scope(
        pool: PgPool,
    ) {
        let sales = user(&pool, "s@t.test", Role::Sales, "East").await;
        let other = user(&pool, "o@t.test", Role::Sales, "West").await;
        let viewer = user(&pool, "v@t.test", Role::Viewer, "East").await;
        let ids: Vec<Uuid> = sqlx::query_scalar(
            "INSERT INTO contacts (full_name, emails, phones, owner_id) VALUES
               ('Wang Wei', ARRAY['wang@t.test'], ARRAY['138 0013 8000'], $1),
               ('W. Wang', ARRAY['WANG@t.test'], '{}', $1),
               ('王伟', '{}', ARRAY['(138) 0013-8000'], $1),
               ('Wang Hidden', ARRAY['wang@t.test'], '{}', $2),
               ('Zhou Min', '{}', '{}', $1)
             RETURNING id",
        )
        .bind(sales.id.0)
        .bind(other.id.0)
        .fetch_all(&pool)
        .await
        .unwrap();
        let names = |found: Vec<Candidate>| {
            found
                .into_iter()
                .map(|c| (c.name, c.why))
                .collect::<Vec<_>>()
        };
        let find = |q: &'static str| candidates(&pool, &sales, ListKind::Contacts, ids[0], q);
        // No search: the same email and the same phone, never itself nor a record out of scope.
        assert_eq!(
            names(find("").await.unwrap()),
            [
                ("W. Wang".to_string(), Some(Why::Email)),
                ("王伟".to_string(), Some(Why::Phone))
            ]
        );
        // A search: by name (in name order), by phone digits; never itself nor out of scope.
        assert_eq!(
            names(find("wang").await.unwrap()),
            [("W. Wang".to_string(), None)]
        );
        assert_eq!(
            names(find("zhou").await.unwrap()),
            [("Zhou Min".to_string(), None)]
        );
        assert_eq!(
            names(find("8000").await.unwrap()),
            [("王伟".to_string(), None)]
        );
        assert!(find("nobody here").await.unwrap().is_empty());
        // Refused: a term longer than the search field takes, a record out of scope, a reader.
        let long = "x".repeat(crate::records::fields::SEARCH_MAX as usize + 1);
        let e = candidates(&pool, &sales, ListKind::Contacts, ids[0], &long).await;
        assert!(matches!(e, Err(AppError::Validation { .. })), "{e:?}");
        let e = candidates(&pool, &sales, ListKind::Contacts, ids[3], "").await;
        assert!(matches!(e, Err(AppError::NotFound)), "{e:?}");
        let e = candidates(&pool, &viewer, ListKind::Contacts, ids[0], "").await;
        assert!(matches!(e, Err(AppError::Forbidden)), "{e:?}");
    }
}
