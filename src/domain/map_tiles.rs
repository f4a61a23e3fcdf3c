//! Map tiles for the operator console's dispatch map: an XYZ URL template such as
//! `https://tile.example.org/{z}/{x}/{y}.png` and the text crediting its source, checked
//! once at start-up so a browser is never handed a template it cannot fill in, and the
//! page's Content-Security-Policy can name the one origin every tile comes from.

use url::Url;

use super::ParseError;

/// Longest attribution: it is drawn in a corner of a map about 500 px wide.
pub const MAX_ATTRIBUTION_CHARS: usize = 200;

/// The placeholders the console fills in (zoom, column, row of the Web Mercator tile grid).
const PLACEHOLDERS: [&str; 3] = ["{z}", "{x}", "{y}"];

/// An http(s) XYZ tile URL template: `{z}`, `{x}` and `{y}` in its path or query, none in
/// its host, and no other `{…}` variable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TileUrlTemplate {
    template: String,
    origin: String,
}

impl TileUrlTemplate {
    /// Parses a template (surrounding spaces trimmed).
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let bad = |why: &str| ParseError(why.to_owned());
        let template = raw.trim();
        if template
            .chars()
            .any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(bad("must not contain spaces or control characters"));
        }
        for placeholder in PLACEHOLDERS {
            if !template.contains(placeholder) {
                return Err(bad(&format!(
                    "must contain {placeholder} (an XYZ template such as https://tile.example.org/{{z}}/{{x}}/{{y}}.png)"
                )));
            }
        }
        // `{s}` (subdomains), `{r}` (retina) or `{-y}` would reach the tile server as text.
        let rest = PLACEHOLDERS
            .iter()
            .fold(template.to_owned(), |t, p| t.replace(p, ""));
        if rest.contains(['{', '}']) {
            return Err(bad("may hold no variable but {z}, {x} and {y}"));
        }
        let filled = |z: &str, x: &str, y: &str| {
            template
                .replace("{z}", z)
                .replace("{x}", x)
                .replace("{y}", y)
        };
        let url =
            Url::parse(&filled("1", "2", "3")).map_err(|e| bad(&format!("is not a URL ({e})")))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(bad("must be an http or https URL"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(bad(
                "must not hold a user name or password (every operator's browser sees it)",
            ));
        }
        // The page's policy allows images from one origin: a placeholder in the host or
        // port would send each tile somewhere else.
        let origin = url.origin().ascii_serialization();
        let other = Url::parse(&filled("4", "5", "6")).map(|u| u.origin().ascii_serialization());
        if other.as_deref() != Ok(origin.as_str()) {
            return Err(bad("must keep {z}, {x} and {y} out of the host and port"));
        }
        Ok(Self {
            template: template.to_owned(),
            origin,
        })
    }

    /// The template, as configured (trimmed).
    pub fn as_str(&self) -> &str {
        &self.template
    }

    /// `scheme://host[:port]` of every tile, ASCII only (an internationalised host in
    /// punycode), so it can be written into a Content-Security-Policy as it is.
    pub fn origin(&self) -> &str {
        &self.origin
    }
}

/// The text crediting the tiles' source (e.g. "© OpenStreetMap contributors"): one line
/// of at most [`MAX_ATTRIBUTION_CHARS`] characters; an empty one is none.
pub fn parse_attribution(raw: &str) -> Result<Option<String>, ParseError> {
    let text = raw.trim();
    if text.chars().any(char::is_control) {
        return Err(ParseError("must be one line of text".to_owned()));
    }
    if text.chars().count() > MAX_ATTRIBUTION_CHARS {
        return Err(ParseError(format!(
            "must be at most {MAX_ATTRIBUTION_CHARS} characters"
        )));
    }
    Ok((!text.is_empty()).then(|| text.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn why(raw: &str) -> String {
        TileUrlTemplate::parse(raw).expect_err(raw).0
    }

    #[test]
    fn an_xyz_template_is_kept_as_written_with_its_origin() {
        let t = TileUrlTemplate::parse(" https://tile.example.org/{z}/{x}/{y}.png ").expect("ok");
        assert_eq!(t.as_str(), "https://tile.example.org/{z}/{x}/{y}.png");
        assert_eq!(t.origin(), "https://tile.example.org");
        let t = TileUrlTemplate::parse("http://127.0.0.1:8099/t/{z}/{y}/{x}?key=k").expect("ok");
        assert_eq!(t.origin(), "http://127.0.0.1:8099");
        // The default port is left out, as browsers compare origins.
        let t =
            TileUrlTemplate::parse("HTTPS://Tiles.Example.org:443/{z}/{x}/{y}.png").expect("ok");
        assert_eq!(t.origin(), "https://tiles.example.org");
        let t = TileUrlTemplate::parse("https://瓦片.example/{z}/{x}/{y}.png").expect("ok");
        assert_eq!(t.origin(), "https://xn--h1xv9c.example");
        let t = TileUrlTemplate::parse("http://[::1]:9000/{z}/{x}/{y}.png").expect("ok");
        assert_eq!(t.origin(), "http://[::1]:9000");
    }

    #[test]
    fn a_template_that_cannot_serve_the_console_is_refused_with_the_reason() {
        assert!(why("https://tile.example.org/{z}/{x}.png").contains("{y}"));
        assert!(why("tile.example.org/{z}/{x}/{y}.png").contains("not a URL"));
        assert!(why("ftp://tile.example.org/{z}/{x}/{y}.png").contains("http or https"));
        assert!(why("file:///tiles/{z}/{x}/{y}.png").contains("http or https"));
        assert!(why("javascript:alert(1)//{z}{x}{y}").contains("http or https"));
        assert!(why("https://{s}.tile.example.org/{z}/{x}/{y}.png").contains("no variable"));
        assert!(why("https://tile.example.org/{z}/{x}/{y}{r}.png").contains("no variable"));
        assert!(why("https://{z}.tile.example.org/{z}/{x}/{y}.png").contains("host"));
        assert!(why("https://tile.example.org:{z}/{z}/{x}/{y}.png").contains("host and port"));
        assert!(why("https://me:pw@tile.example.org/{z}/{x}/{y}.png").contains("password"));
        assert!(why("https://tile.example.org/{z}/{x}/{y}.png; img-src *").contains("spaces"));
        assert!(why("https://tile.example.org/{z}/{x}/\n{y}.png").contains("control"));
    }

    #[test]
    fn an_attribution_is_one_short_line_or_none() {
        assert_eq!(
            parse_attribution(" © OpenStreetMap contributors "),
            Ok(Some("© OpenStreetMap contributors".to_owned()))
        );
        assert_eq!(parse_attribution("  "), Ok(None));
        assert!(parse_attribution("a\nb").is_err());
        assert!(parse_attribution(&"x".repeat(MAX_ATTRIBUTION_CHARS + 1)).is_err());
        assert!(parse_attribution(&"é".repeat(MAX_ATTRIBUTION_CHARS)).is_ok());
    }
}
