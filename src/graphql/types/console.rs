//! What the operator console reads of the server's configuration.

use async_graphql::SimpleObject;

use crate::config::ConsoleSettings as Settings;

/// Settings of the operator console (`/console`) that come from the server's
/// configuration rather than from the network's data.
#[derive(SimpleObject)]
pub struct ConsoleSettings {
    /// XYZ template of the tiles drawn under the dispatch map, with `{z}`, `{x}` and `{y}`
    /// standing for the zoom level, column and row of the Web Mercator tile grid (e.g.
    /// `https://tile.example.org/{z}/{x}/{y}.png`); null when tiles are off
    /// (`RELOOP_MAP_TILE_URL` unset), and the map is drawn from coordinates alone.
    pub map_tile_url: Option<String>,
    /// Text crediting the tiles' source, to show on the map (e.g. "© OpenStreetMap
    /// contributors"); null when tiles are off or no attribution is configured.
    pub map_tile_attribution: Option<String>,
}

impl From<&Settings> for ConsoleSettings {
    fn from(settings: &Settings) -> Self {
        let tiles = settings.map_tiles.as_ref();
        Self {
            map_tile_url: tiles.map(|t| t.url.as_str().to_owned()),
            map_tile_attribution: tiles.and_then(|t| t.attribution.clone()),
        }
    }
}
