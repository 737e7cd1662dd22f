//! First start: an admin token, so someone can log in to the Studio.
//!
//! When the store has no token at all, one admin token is created for the
//! example team (or a team named `default`). The store keeps only its
//! sha256; the secret goes to `data_dir/admin-token` (owner-only) and into
//! the login URL printed at every start while that file exists.

use std::net::SocketAddr;
use std::path::Path;

use wolfe_store::{Role, Store};

const FIRST_TEAMS: [&str; 2] = ["example", "default"];

/// The admin secret to log in with, if this data directory holds one.
pub async fn first_admin_token(store: &Store, data_dir: &Path) -> anyhow::Result<Option<String>> {
    let path = data_dir.join("admin-token");
    if store.count_tokens().await? == 0 {
        let mut team = None;
        for name in FIRST_TEAMS {
            if let Some(found) = store.team_by_name(name).await? {
                team = Some(found);
                break;
            }
        }
        let team = match team {
            Some(team) => team,
            None => store.create_team("default").await?,
        };
        let issued = store
            .create_token(&team.id, "first-admin", Role::Admin, "wolfe")
            .await?;
        write_private(&path, &issued.secret)?;
        return Ok(Some(issued.secret));
    }
    Ok(std::fs::read_to_string(&path)
        .ok()
        .map(|s| s.trim().to_owned()))
}

fn write_private(path: &Path, secret: &str) -> anyhow::Result<()> {
    std::fs::write(path, secret)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}

/// The token is in the URL's fragment, which browsers never send to the
/// server, so it stays out of request logs.
pub fn announce_login(bound: SocketAddr, secret: Option<&str>) {
    match secret {
        Some(secret) => {
            eprintln!("wolfe: Studio login http://{bound}/#token={secret}");
            eprintln!(
                "wolfe: admin token (also in the data directory's admin-token file): {secret}"
            );
        }
        None => eprintln!(
            "wolfe: Studio at http://{bound}/ (log in with a token: POST /api/v1/tokens as an admin)"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_first_start_creates_one_admin_token_and_later_starts_reuse_it() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("wolfe.db").display());
        let store = Store::open(&url).await.unwrap();
        let secret = first_admin_token(&store, dir.path())
            .await
            .unwrap()
            .unwrap();
        let (token, team) = store.authenticate(&secret).await.unwrap().unwrap();
        assert_eq!((token.role, team.name.as_str()), (Role::Admin, "default"));
        let again = first_admin_token(&store, dir.path()).await.unwrap();
        assert_eq!(again.as_deref(), Some(secret.as_str()));
        assert_eq!(store.count_tokens().await.unwrap(), 1);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("admin-token"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
