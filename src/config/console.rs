//! The operator console's settings: map tiles under the dispatch map, off by default
//! (the map is then drawn from coordinates alone and the page loads nothing from
//! elsewhere).

use anyhow::Context;

use super::env::var;
use crate::domain::map_tiles::{TileUrlTemplate, parse_attribution};

/// What the console draws beyond the API's data.
#[derive(Clone, Debug, Default)]
pub struct ConsoleSettings {
    /// Tiles under the dispatch map; None draws the map without tiles.
    pub map_tiles: Option<MapTiles>,
}

/// Where the dispatch map's tiles come from, and whom the map credits for them.
#[derive(Clone, Debug)]
pub struct MapTiles {
    /// The XYZ template the browser fills in; its origin joins the page's `img-src`.
    pub url: TileUrlTemplate,
    /// Shown in a corner of the map (most tile licences ask for it).
    pub attribution: Option<String>,
}

impl ConsoleSettings {
    /// The settings from `RELOOP_MAP_TILE_URL` and `RELOOP_MAP_TILE_ATTRIBUTION`'s values;
    /// an attribution without a URL credits nothing and is left unused.
    pub fn from_values(url: Option<&str>, attribution: Option<&str>) -> anyhow::Result<Self> {
        let Some(raw) = url else {
            return Ok(Self::default());
        };
        let url = TileUrlTemplate::parse(raw)
            .with_context(|| format!("RELOOP_MAP_TILE_URL={raw:?} is not a usable tile URL"))?;
        let attribution = attribution
            .map(|text| {
                parse_attribution(text).with_context(|| {
                    format!("RELOOP_MAP_TILE_ATTRIBUTION={text:?} is not a usable attribution")
                })
            })
            .transpose()?
            .flatten();
        Ok(Self {
            map_tiles: Some(MapTiles { url, attribution }),
        })
    }
}

/// Reads the console's variables.
pub(super) fn read_console(config: &mut super::Config) -> anyhow::Result<()> {
    config.console = ConsoleSettings::from_values(
        var("RELOOP_MAP_TILE_URL").as_deref(),
        var("RELOOP_MAP_TILE_ATTRIBUTION").as_deref(),
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiles_are_off_unless_a_url_is_given() {
        let off = ConsoleSettings::from_values(None, Some("© Someone")).expect("valid");
        assert!(off.map_tiles.is_none());
        let on = ConsoleSettings::from_values(
            Some("https://tile.example.org/{z}/{x}/{y}.png"),
            Some("© OpenStreetMap contributors"),
        )
        .expect("valid");
        let tiles = on.map_tiles.expect("tiles");
        assert_eq!(tiles.url.origin(), "https://tile.example.org");
        assert_eq!(
            tiles.attribution.as_deref(),
            Some("© OpenStreetMap contributors")
        );
    }

    #[test]
    fn a_bad_value_names_the_variable_and_the_reason() {
        let error = ConsoleSettings::from_values(Some("ftp://tiles/{z}/{x}/{y}"), None)
            .expect_err("not http");
        let text = format!("{error:#}");
        assert!(
            text.contains("RELOOP_MAP_TILE_URL=\"ftp://tiles/{z}/{x}/{y}\""),
            "{text}"
        );
        assert!(text.contains("http or https"), "{text}");
        let error = ConsoleSettings::from_values(
            Some("https://tile.example.org/{z}/{x}/{y}.png"),
            Some("line\nbreak"),
        )
        .expect_err("two lines");
        assert!(format!("{error:#}").contains("RELOOP_MAP_TILE_ATTRIBUTION"));
    }
}
