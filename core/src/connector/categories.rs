//! Where the category list comes from: the help desk when this account may read it, else the
//! last list cached on disk, else the list IT put in the configuration. A fresh list from the help
//! desk is cached, so the wizard works offline.

use super::{Connector, ConnectorError};
use crate::report::Category;
use std::path::Path;

pub use guichet_protocol::view::{CategoryList, CategorySource};

/// File name of the cache inside the data directory.
pub const CACHE_FILE: &str = "categories.json";

/// Returns the best list available. Never fails: at worst the configured list (maybe empty).
pub async fn load(
    connector: Option<&dyn Connector>,
    configured: &[Category],
    data_dir: &Path,
) -> CategoryList {
    let cache = data_dir.join(CACHE_FILE);
    if let Some(connector) = connector {
        match connector.categories().await {
            Ok(categories) if !categories.is_empty() => {
                if let Err(e) = write_cache(&cache, &categories) {
                    tracing::warn!("cannot cache categories in {}: {e}", cache.display());
                }
                return CategoryList {
                    categories,
                    source: CategorySource::HelpDesk,
                };
            }
            Ok(_) => {}
            // The usual case for Self-Service accounts (HTTP 403 ERROR_RIGHT_MISSING): the
            // configured list is the authority, so it wins over an older cache.
            Err(ConnectorError::Rejected { status: 403, .. }) if !configured.is_empty() => {
                return CategoryList {
                    categories: configured.to_vec(),
                    source: CategorySource::Configuration,
                };
            }
            Err(e) => tracing::info!("categories not read from the help desk: {e}"),
        }
    }
    cached_or_configured(configured, data_dir)
}

/// The cached list, else the configured one: for callers that must not touch the network.
pub fn cached_or_configured(configured: &[Category], data_dir: &Path) -> CategoryList {
    match read_cache(&data_dir.join(CACHE_FILE)) {
        Some(categories) if !categories.is_empty() => CategoryList {
            categories,
            source: CategorySource::Cache,
        },
        _ => CategoryList {
            categories: configured.to_vec(),
            source: CategorySource::Configuration,
        },
    }
}

fn read_cache(path: &Path) -> Option<Vec<Category>> {
    let text = std::fs::read(path).ok()?;
    serde_json::from_slice(&text).ok()
}

/// Writes through a temporary file and a rename, so a crash never leaves half a cache.
fn write_cache(path: &Path, categories: &[Category]) -> std::io::Result<()> {
    guichet_protocol::private::replace(path, &serde_json::to_vec_pretty(categories)?)
}
