//! Map tiles under the board's map, when the server names a tile URL: a tile server on
//! 127.0.0.1 stands in for a real one, and the board draws its tiles in Web Mercator with
//! the markers, the area's circle and the scale bar in the same projection, and credits
//! the tiles in a corner. (Without tiles the map loads nothing: console/board.rs.)

use std::collections::BTreeSet;
use std::f64::consts::PI;
use std::sync::{Arc, Mutex};

use reloop::config::ConsoleSettings;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::Console;
use crate::dispatch::fixtures::go_online_at;
use crate::fixtures::verified_collector;
use crate::helpers::browser::{PAGE_PATIENCE, element, loaded_urls, text_with};
use crate::helpers::{PASSWORD, eventually, spawn_app_with};

const ATTRIBUTION: &str = "© Test Tiles contributors";
/// The demo catalog's Shanghai Central: centre and radius.
const CENTRE: (f64, f64) = (31.2304, 121.4737);
const RADIUS_KM: f64 = 30.0;
/// Where the collector on the map is, away from the centre.
const ONLINE_AT: (f64, f64) = (31.25, 121.49);

/// A 1×1 PNG, light blue: every tile.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x90, 0x77, 0x53,
    0xde, 0x00, 0x00, 0x00, 0x0c, 0x49, 0x44, 0x41, 0x54, 0x78, 0xda, 0x63, 0x58, 0x71, 0xe3, 0x03,
    0x00, 0x04, 0x9c, 0x02, 0x71, 0xcc, 0x29, 0x57, 0xe6, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e,
    0x44, 0xae, 0x42, 0x60, 0x82,
];

/// A tile server on a free port of 127.0.0.1: the PNG for any `/{z}/{x}/{y}.png`, 404
/// for anything else; it remembers the tiles asked for. Stops when dropped.
struct TileServer {
    port: u16,
    asked: Arc<Mutex<Vec<String>>>,
    task: tokio::task::JoinHandle<()>,
}

impl TileServer {
    async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the tile server");
        let port = listener.local_addr().expect("address").port();
        let asked = Arc::new(Mutex::new(Vec::new()));
        let task = tokio::spawn(serve(listener, asked.clone()));
        Self { port, asked, task }
    }

    /// The tile paths asked for so far.
    fn asked(&self) -> Vec<String> {
        self.asked.lock().expect("lock").clone()
    }
}

impl Drop for TileServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Answers one request per connection (`Connection: close`), which is all a browser
/// fetching images needs.
async fn serve(listener: tokio::net::TcpListener, asked: Arc<Mutex<Vec<String>>>) {
    while let Ok((mut stream, _)) = listener.accept().await {
        let asked = asked.clone();
        tokio::spawn(async move {
            let mut head = Vec::new();
            let mut buffer = [0_u8; 2048];
            while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 16 * 1024 {
                match stream.read(&mut buffer).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => head.extend_from_slice(&buffer[..n]),
                }
            }
            let head = String::from_utf8_lossy(&head);
            let path = head.split_whitespace().nth(1).unwrap_or_default();
            let response = if is_tile(path) {
                asked.lock().expect("lock").push(path.to_owned());
                let mut ok = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: image/png\r\ncontent-length: {}\r\n\
                     connection: close\r\n\r\n",
                    PNG.len()
                )
                .into_bytes();
                ok.extend_from_slice(PNG);
                ok
            } else {
                b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n".to_vec()
            };
            stream.write_all(&response).await.ok();
            stream.shutdown().await.ok();
        });
    }
}

/// Whether `path` is `/{z}/{x}/{y}.png` with three numbers.
fn is_tile(path: &str) -> bool {
    let Some(numbers) = path.strip_prefix('/').and_then(|p| p.strip_suffix(".png")) else {
        return false;
    };
    let parts: Vec<&str> = numbers.split('/').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// `(latitude, longitude)` on the Web Mercator grid of `zoom`, in pixels from its top
/// left (the sphere's formula written independently of console/lib/projection.js).
fn grid(point: (f64, f64), zoom: i32) -> (f64, f64) {
    let size = 256.0 * 2_f64.powi(zoom);
    let latitude = point.0.to_radians();
    (
        (point.1 + 180.0) / 360.0 * size,
        (1.0 - latitude.tan().asinh() / PI) / 2.0 * size,
    )
}

/// Ground metres per grid pixel of `zoom` at `latitude` (EPSG:3857's sphere).
fn metres_per_pixel(latitude: f64, zoom: i32) -> f64 {
    2.0 * PI * 6_378_137.0 * latitude.to_radians().cos() / (256.0 * 2_f64.powi(zoom))
}

/// The numbers in an SVG path or `viewBox` (the console writes a space around each).
fn numbers(text: &str) -> Vec<f64> {
    text.split_whitespace()
        .filter_map(|n| n.parse().ok())
        .collect()
}

fn close(a: f64, b: f64, what: &str) {
    assert!((a - b).abs() < 1e-6, "{what}: drawn {a}, expected {b}");
}

/// What the map draws, read from the page.
const READ_MAP: &str = r#"
  const map = document.querySelector('#map svg.map.tiled');
  const online = map?.querySelector(`path.map-online[data-online-collector="${arguments[0]}"]`);
  if (!online) return null;
  return {
    zoom: Number(map.getAttribute('data-zoom')),
    viewBox: map.getAttribute('viewBox'),
    tiles: [...map.querySelectorAll('g.map-tiles image.map-tile')].map((t) =>
      ({ href: t.getAttribute('href'), x: Number(t.getAttribute('x')), y: Number(t.getAttribute('y')) })),
    area: Number(map.querySelector('circle.map-area').getAttribute('r')),
    online: online.getAttribute('d'),
    scale: map.querySelector('.map-scale path').getAttribute('d'),
    scaleText: map.querySelector('.map-scale text').textContent,
    attribution: map.querySelector('text.map-attribution')?.textContent ?? null,
    underMarkers: map.querySelector('g.map-tiles').compareDocumentPosition(online) === Node.DOCUMENT_POSITION_FOLLOWING,
  };"#;

#[tokio::test]
async fn a_browser_console_draws_the_configured_map_tiles_under_the_boards_map() {
    let tiles = TileServer::start().await;
    let server = format!("http://127.0.0.1:{}", tiles.port);
    let template = format!("{server}/{{z}}/{{x}}/{{y}}.png");
    let app = spawn_app_with(|config| {
        config.console = ConsoleSettings::from_values(Some(&template), Some(ATTRIBUTION))
            .expect("valid tile settings");
    })
    .await;
    let Some(console) = Console::open(&app.address, 1280, 800).await else {
        return;
    };
    let operator = app.operator().await;
    let collector = verified_collector(&app, &operator).await;
    go_online_at(&app, &collector, ONLINE_AT).await;

    console.sign_in(&operator.email, PASSWORD).await;
    text_with(&console.browser, "main h1", "Dispatch board").await;
    let shanghai = element(
        &console.browser,
        "#map-h ~ .field select option:nth-child(4)",
    )
    .await;
    assert_eq!(
        shanghai.text().await.expect("text"),
        "Shanghai Central (Shanghai)"
    );
    shanghai.click().await.expect("choose Shanghai");

    // The map of Shanghai with its collector, on tiles the tile server has been asked for.
    let map: Value = eventually(
        PAGE_PATIENCE,
        "Shanghai's map on tiles fetched from the tile server",
        || {
            let (tiles, server) = (&tiles, server.as_str());
            let read = console.browser.execute(READ_MAP, vec![json!(collector.id)]);
            async move {
                let map = read.await.ok()?;
                let drawn: BTreeSet<String> = map["tiles"]
                    .as_array()?
                    .iter()
                    .filter_map(|t| t["href"].as_str()?.strip_prefix(server).map(str::to_owned))
                    .collect();
                let asked: BTreeSet<String> = tiles.asked().into_iter().collect();
                (!drawn.is_empty() && drawn.is_subset(&asked)).then_some(map)
            }
        },
    )
    .await;

    let zoom = i32::try_from(map["zoom"].as_i64().expect("a zoom level")).expect("small");
    let per_km = 1000.0 / metres_per_pixel(CENTRE.0, zoom);
    // The area's circle fits the square drawn, which is near 500 px of tiles (the map's
    // width on the page): tiles drawn at about their own size.
    let view = numbers(map["viewBox"].as_str().expect("viewBox"));
    close(view[2], 2.0 * RADIUS_KM * 1.08 * per_km, "the map's width");
    assert!(
        (500.0 / 2_f64.sqrt()..=500.0 * 2_f64.sqrt()).contains(&view[2]),
        "{view:?}"
    );
    close(
        map["area"].as_f64().expect("r"),
        RADIUS_KM * per_km,
        "the area's radius",
    );

    // Every tile is the tile server's, at the map's zoom; the one holding the centre is
    // placed so that the centre, the drawing's origin, falls where it shows it.
    let hrefs: Vec<&str> = map["tiles"]
        .as_array()
        .expect("tiles")
        .iter()
        .filter_map(|t| t["href"].as_str())
        .collect();
    assert!(
        hrefs
            .iter()
            .all(|h| h.starts_with(&format!("{server}/{zoom}/"))),
        "{hrefs:?}"
    );
    let centre = grid(CENTRE, zoom);
    let (column, row) = ((centre.0 / 256.0).floor(), (centre.1 / 256.0).floor());
    let holding = map["tiles"]
        .as_array()
        .expect("tiles")
        .iter()
        .find(|t| t["href"] == format!("{server}/{zoom}/{column}/{row}.png"))
        .unwrap_or_else(|| panic!("no tile {column}/{row} among {hrefs:?}"));
    close(
        holding["x"].as_f64().expect("x"),
        column * 256.0 - centre.0,
        "tile x",
    );
    close(
        holding["y"].as_f64().expect("y"),
        row * 256.0 - centre.1,
        "tile y",
    );

    // The collector is drawn in the same projection, over the tiles.
    let at = grid(ONLINE_AT, zoom);
    let marker = numbers(map["online"].as_str().expect("marker"));
    close(marker[0], at.0 - centre.0, "the collector's x");
    close(marker[3], at.1 - centre.1, "the collector's y");
    assert_eq!(map["underMarkers"], true, "tiles are drawn first: {map}");

    // The scale bar measures ground distance at the area's latitude.
    let scale = numbers(map["scale"].as_str().expect("scale bar"));
    let km: f64 = map["scaleText"]
        .as_str()
        .and_then(|t| t.strip_suffix(" km"))
        .and_then(|n| n.parse().ok())
        .expect("a length in km");
    close(scale[3] - scale[0], km * per_km, "the scale bar's length");

    assert_eq!(map["attribution"], ATTRIBUTION);
    let urls = loaded_urls(&console.browser).await;
    assert!(
        urls.iter()
            .all(|u| u.starts_with(&console.url("/")) || u.starts_with(&format!("{server}/"))),
        "only this server and the tile server: {urls:?}"
    );
    console.close().await;
}
