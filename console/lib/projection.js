// How the dispatch map turns coordinates into drawing units. Both projections put the
// service area's centre at (0, 0) and say how many units make a kilometre there, so the
// map draws the same whichever is used:
// - flat: kilometres east and south of the centre. Good to a fraction of a percent over
//   a city-sized area, and needs nothing but the coordinates (the map without tiles).
// - Web Mercator: pixels of the tile grid at one zoom level, the projection map tiles are
//   cut in, so markers land where the tiles show them.

const KM_PER_DEG_LAT = 110.574;
const KM_PER_DEG_LON = 111.32;
// The tile grid's side at zoom 0, in pixels (every XYZ tile is 256 px square).
export const TILE_PX = 256;
// Web Mercator's sphere (EPSG:3857: the WGS 84 equatorial radius), in metres.
const MERCATOR_RADIUS_M = 6378137;
// Beyond this the Mercator grid stops (it is square): ±85.0511°.
const MAX_LATITUDE = (2 * Math.atan(Math.exp(Math.PI)) - Math.PI / 2) * (180 / Math.PI);

const radians = (degrees) => (degrees * Math.PI) / 180;

/** The flat projection around `center`: km east and south of it. */
export function flat(center) {
  const cos = Math.cos(radians(center.latitude));
  return {
    perKm: 1,
    at: (p) => [(p.longitude - center.longitude) * KM_PER_DEG_LON * cos, -(p.latitude - center.latitude) * KM_PER_DEG_LAT],
  };
}

/** `point`'s position on the Web Mercator tile grid of `zoom`, in pixels from its top left. */
export function gridPixel(point, zoom) {
  const size = TILE_PX * 2 ** zoom;
  const lat = radians(Math.max(-MAX_LATITUDE, Math.min(MAX_LATITUDE, point.latitude)));
  return [
    ((point.longitude + 180) / 360) * size,
    ((1 - Math.log(Math.tan(lat) + 1 / Math.cos(lat)) / Math.PI) / 2) * size,
  ];
}

/** Ground metres one pixel of the tile grid of `zoom` covers at `latitude`. */
export function metresPerPixel(latitude, zoom) {
  return (2 * Math.PI * MERCATOR_RADIUS_M * Math.cos(radians(latitude))) / (TILE_PX * 2 ** zoom);
}

/**
 * Web Mercator at `zoom` around `center`: grid pixels right of and below it. Mercator
 * keeps shapes, so the area's circle stays a circle; its scale grows away from the
 * equator, which over a city changes by well under one percent, so one scale (the
 * centre's) serves the whole map. Positions are relative to the centre because browsers
 * draw SVG in single precision, and at zoom 18 the grid is 67 million pixels wide.
 * `origin` is the centre's grid pixel, for placing tiles.
 */
export function mercator(center, zoom) {
  const origin = gridPixel(center, zoom);
  return {
    perKm: 1000 / metresPerPixel(center.latitude, zoom),
    origin,
    at: (p) => {
      const [x, y] = gridPixel(p, zoom);
      return [x - origin[0], y - origin[1]];
    },
  };
}
