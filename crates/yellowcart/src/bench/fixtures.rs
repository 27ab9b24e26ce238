//! Bench fixtures: many buyers with a session and a default address,
//! written straight to the store (registering each through argon2 would
//! dominate the setup), from several tasks at once.

use anyhow::Context;
use rand::RngCore;
use yc_domain::account::{Role, User};
use yc_domain::address::Address;
use yc_domain::{AddressId, UserId};
use yc_services::Services;
use yc_store::{NewSession, SessionKind};

pub struct Buyer {
    pub id: UserId,
    pub token: String,
    pub address_id: AddressId,
}

const WRITERS: usize = 32;

pub async fn buyers(services: &Services, count: usize, tag: &str) -> anyhow::Result<Vec<Buyer>> {
    let mut tasks = Vec::new();
    for w in 0..WRITERS {
        let (services, tag) = (services.clone(), tag.to_owned());
        tasks.push(tokio::spawn(async move {
            write_some(&services, (w..count).step_by(WRITERS), &tag).await
        }));
    }
    let mut out = Vec::with_capacity(count);
    for t in tasks {
        out.extend(t.await??);
    }
    Ok(out)
}

async fn write_some(
    services: &Services,
    indices: impl Iterator<Item = usize>,
    tag: &str,
) -> anyhow::Result<Vec<Buyer>> {
    let now = services.now();
    let mut out = Vec::new();
    for i in indices {
        let mut raw = [0_u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut raw);
        let token = hex::encode(raw);
        let user = User {
            id: UserId::new(),
            login: format!("{tag}{i}"),
            display_name: format!("买家{i}"),
            role: Role::Buyer,
            merchant_id: None,
            created_at: now,
        };
        let address = Address {
            id: AddressId::new(),
            user_id: user.id,
            recipient: "压测买家".into(),
            phone: "13800000000".into(),
            province: "浙江省".into(),
            city: "杭州市".into(),
            district: "西湖区".into(),
            detail: "文三路1号".into(),
            is_default: true,
        };
        let session = NewSession {
            token_hash: yc_services::auth::token_hash(&token),
            user_id: user.id,
            kind: SessionKind::Api,
            created_at: now,
            expires_at: now.plus_secs(24 * 3600),
        };
        // Bench buyers never log in with a password.
        services
            .store
            .create_user(&user, "!", None)
            .await
            .context("bench buyer")?;
        services
            .store
            .create_session(&session)
            .await
            .context("bench session")?;
        services
            .store
            .save_address(&address)
            .await
            .context("bench address")?;
        out.push(Buyer {
            id: user.id,
            token,
            address_id: address.id,
        });
    }
    Ok(out)
}

/// Drops the throwaway PostgreSQL schema a benchmark ran in (nothing to
/// do for SQLite, whose temp dir goes with the run), so repeated runs do
/// not pile schemas up in the shared database.
pub async fn drop_bench_schema(database: &crate::config::Database) {
    let crate::config::Database::Postgres {
        url,
        schema: Some(schema),
        ..
    } = database
    else {
        return;
    };
    let dropped = match yc_store_postgres::PgStore::connect_in_schema(url, schema, 1).await {
        Ok(store) => store.drop_schema().await,
        Err(e) => Err(e),
    };
    if let Err(e) = dropped {
        eprintln!("could not drop bench schema {schema}: {e}");
    }
}
