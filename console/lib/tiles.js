// Map tiles under the dispatch map, when the server names a tile URL (consoleSettings;
// off by default): the zoom level that suits the service area, and the tiles covering
// the map as SVG images, placed in the Web Mercator units of projection.js.

import { s } from "./dom.js";
import { TILE_PX, metresPerPixel } from "./projection.js";

// The map is drawn at most this wide (style.css: .map-slot), in CSS pixels.
const MAP_PX = 500;
// Most tile servers stop here.
const MAX_ZOOM = 19;
// Neighbouring tiles overlap by this much (grid pixels): scaled images meeting exactly
// edge to edge leave hairline seams where their anti-aliased borders meet.
const OVERLAP = 0.5;

/**
 * The zoom level at which a span of 2 × `extentKm` around `latitude` comes closest to
 * MAP_PX grid pixels, so the tiles are drawn near their own size (between 0.7 and 1.4
 * times): sharp, and few to fetch.
 */
export function zoomFor(latitude, extentKm) {
  const pixelsAtZoom0 = (2 * extentKm * 1000) / metresPerPixel(latitude, 0);
  return Math.max(0, Math.min(MAX_ZOOM, Math.round(Math.log2(MAP_PX / pixelsAtZoom0))));
}

/** `template` with a tile's zoom, column and row filled in. */
export function tileUrl(template, z, x, y) {
  return template.replaceAll("{z}", z).replaceAll("{x}", x).replaceAll("{y}", y);
}

// The map is redrawn whenever a collector moves; new image elements would fetch (or at
// least decode) every tile again and flicker, so the last layer is kept and moved into
// the new drawing while it covers the same ground.
let last = { key: null, layer: null };

/**
 * The tiles of `template` at `zoom` covering the square of half-side `half` (grid pixels)
 * around `origin` (the centre's grid pixel), placed relative to the centre as
 * projection.js's `mercator` places everything else.
 */
export function tileLayer(template, zoom, origin, half) {
  const key = [template, zoom, ...origin, half].join(" ");
  if (last.key === key) return last.layer;
  const count = 2 ** zoom;
  const range = (centre, min, max) => {
    const first = Math.max(min, Math.floor((centre - half) / TILE_PX));
    const end = Math.min(max, Math.floor((centre + half) / TILE_PX));
    return Array.from({ length: Math.max(0, end - first + 1) }, (_, i) => first + i);
  };
  // Columns go round the world (an area across the 180th meridian: the tile west of
  // column 0 is the last one); rows stop at the grid's top and bottom.
  const columns = range(origin[0], -Infinity, Infinity);
  const rows = range(origin[1], 0, count - 1);
  const layer = s("g", { class: "map-tiles", "data-zoom": zoom },
    rows.flatMap((y) => columns.map((x) => s("image", {
      class: "map-tile",
      href: tileUrl(template, zoom, ((x % count) + count) % count, y),
      x: x * TILE_PX - origin[0], y: y * TILE_PX - origin[1],
      width: TILE_PX + OVERLAP, height: TILE_PX + OVERLAP,
    }))));
  last = { key, layer };
  return layer;
}
