//! A list's typed filter as SQL conditions (scope, search, owner, tag, source, status, dates), and
//! how its search term matches: as a substring, or typo-tolerant when nothing contains it.
use sqlx::{PgConnection, Postgres, QueryBuilder};

use super::ListSql;
use super::scope::push_scope;
use crate::error::AppError;
use crate::records::filter::{ListFilter, OwnerFilter, SearchTerm, like_containing, like_prefix};
use crate::users::model::CurrentUser;

/// How a search term is matched. Substring first: cheap per row, and backed by the trigram
/// index. Only when nothing contains the term does the typo-tolerant pass run.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Match {
    Substring,
    Typo,
}

/// Search over the search document (name, emails, phones, company): phone digits in any
/// punctuation, substring (trigram index), prefix of the name for terms under three characters,
/// stored bigrams for two-character Chinese terms (trigrams need three), and in the typo pass,
/// word similarity ("Sarha" finds "Sarah").
pub(crate) fn push_search(
    qb: &mut QueryBuilder<'_, Postgres>,
    name: &str,
    term: &SearchTerm,
    how: Match,
) {
    match term {
        SearchTerm::Substring { text, .. } if how == Match::Typo => {
            qb.push(" AND r.search_doc %> ").push_bind(text.clone());
        }
        SearchTerm::Phone(digits) => {
            qb.push(" AND r.search_doc LIKE ")
                .push_bind(format!("%{digits}%"));
        }
        SearchTerm::Bigram(q) => {
            // A two-character term is its own only bigram (bound as a value: a function of the
            // parameter would be evaluated again for every row checked).
            qb.push(" AND r.search_bigrams @> ")
                .push_bind(vec![q.clone()]);
        }
        SearchTerm::NamePrefix(q) => {
            qb.push(format!(" AND lower({name}) LIKE "))
                .push_bind(like_prefix(q));
        }
        SearchTerm::Substring { text, .. } => {
            qb.push(" AND r.search_doc LIKE ")
                .push_bind(like_containing(text));
        }
    }
}

/// Whose records: everyone in scope, the user's own, or one user's.
pub fn push_owner_filter(
    qb: &mut QueryBuilder<'_, Postgres>,
    user: &CurrentUser,
    owner: OwnerFilter,
) {
    let id = match owner {
        OwnerFilter::Anyone => return,
        OwnerFilter::Me => user.id.0,
        OwnerFilter::User(id) => id,
    };
    qb.push(" AND r.owner_id = ").push_bind(id);
}

/// The filter as the query's `WHERE`: live records in the user's scope, then each condition asked.
pub(crate) fn push_filters(
    qb: &mut QueryBuilder<'_, Postgres>,
    user: &CurrentUser,
    sql: &ListSql,
    filter: &ListFilter,
    how: Match,
) {
    qb.push(" WHERE r.deleted_at IS NULL");
    push_scope(qb, user, "r");
    if let Some(term) = &filter.search {
        push_search(qb, sql.name, term, how);
    }
    push_owner_filter(qb, user, filter.owner);
    if let Some(tag) = &filter.tag {
        qb.push(" AND r.tags @> ARRAY[")
            .push_bind(tag.clone())
            .push("]::text[]");
    }
    if let Some(source) = &filter.source {
        qb.push(" AND lower(r.source) = ").push_bind(source.clone());
    }
    if let Some(status) = filter.status {
        qb.push(" AND r.status = ").push_bind(status);
    }
    if let Some(from) = filter.from {
        qb.push(" AND r.created_at >= ")
            .push_bind(from)
            .push("::date");
    }
    if let Some(to) = filter.to {
        qb.push(" AND r.created_at < ")
            .push_bind(to)
            .push("::date + 1");
    }
}

/// Counts the filter's matches, up to `limit + 1` (which means "more than `limit`").
async fn capped_count(
    conn: &mut PgConnection,
    user: &CurrentUser,
    sql: &ListSql,
    filter: &ListFilter,
    how: Match,
    limit: i64,
) -> Result<i64, AppError> {
    let mut count = QueryBuilder::<Postgres>::new(format!(
        "SELECT count(*) FROM (SELECT 1 FROM {}",
        sql.count_from
    ));
    push_filters(&mut count, user, sql, filter, how);
    count.push(" LIMIT ").push_bind(limit + 1).push(") capped");
    Ok(count.build_query_scalar().fetch_one(conn).await?)
}

/// How the query's search term matches: as a substring, or typo-tolerant when nothing contains
/// it; with the matches counted (up to `limit + 1`) through the search indexes, since a sequential
/// scan would test every row.
pub(crate) async fn search_mode(
    conn: &mut PgConnection,
    user: &CurrentUser,
    sql: &ListSql,
    filter: &ListFilter,
    limit: i64,
) -> Result<(Match, i64), AppError> {
    let searching = filter.searching();
    if searching {
        sqlx::query("SET LOCAL enable_seqscan = off")
            .execute(&mut *conn)
            .await?;
    }
    let mut how = Match::Substring;
    let mut total = capped_count(conn, user, sql, filter, how, limit).await?;
    let may_be_misspelt = filter
        .search
        .as_ref()
        .is_some_and(SearchTerm::may_be_misspelt);
    if total == 0 && may_be_misspelt {
        // Nothing contains the term: perhaps it is misspelt ("Sarha Miller").
        sqlx::query("SET LOCAL pg_trgm.word_similarity_threshold = 0.4")
            .execute(&mut *conn)
            .await?;
        how = Match::Typo;
        total = capped_count(conn, user, sql, filter, how, limit).await?;
    }
    if searching {
        sqlx::query("SET LOCAL enable_seqscan = on")
            .execute(&mut *conn)
            .await?;
    }
    Ok((how, total))
}
