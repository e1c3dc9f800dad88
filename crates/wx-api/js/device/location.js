// Location: the phone stands at the profile's place (`device.location`, WGS-84), with system
// location on and `scope.userLocation` asked for on first use. `type: 'gcj02'` answers are
// converted to the coordinate system Chinese maps use. Location updates fire onLocationChange
// once a second until stopped.
(function (core) {
  'use strict';
  const { define, later } = core;
  const sim = core.layerExports('simulated');

  // WGS-84 to GCJ-02: the published offset formula (Krasovsky ellipsoid), exact to a metre.
  const AXIS = 6378245.0;
  const ECCENTRICITY = 0.00669342162296594323;
  function offset(x, y, kind) {
    const base = kind === 'lat'
      ? -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x))
      : 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
    let wave = ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0;
    if (kind === 'lat') {
      wave += ((20.0 * Math.sin(y * Math.PI) + 40.0 * Math.sin((y / 3.0) * Math.PI)) * 2.0) / 3.0;
      wave += ((160.0 * Math.sin((y / 12.0) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30.0)) * 2.0) / 3.0;
    } else {
      wave += ((20.0 * Math.sin(x * Math.PI) + 40.0 * Math.sin((x / 3.0) * Math.PI)) * 2.0) / 3.0;
      wave += ((150.0 * Math.sin((x / 12.0) * Math.PI) + 300.0 * Math.sin((x / 30.0) * Math.PI)) * 2.0) / 3.0;
    }
    return base + wave;
  }
  // Outside China the two systems are the same.
  const inChina = (lat, lng) => lng > 73.66 && lng < 135.05 && lat > 3.86 && lat < 53.55;
  function toGcj02(lat, lng) {
    if (!inChina(lat, lng)) return { latitude: lat, longitude: lng };
    const radLat = (lat / 180.0) * Math.PI;
    let magic = Math.sin(radLat);
    magic = 1 - ECCENTRICITY * magic * magic;
    const sqrtMagic = Math.sqrt(magic);
    const dLat = (offset(lng - 105.0, lat - 35.0, 'lat') * 180.0) / (((AXIS * (1 - ECCENTRICITY)) / (magic * sqrtMagic)) * Math.PI);
    const dLng = (offset(lng - 105.0, lat - 35.0, 'lng') * 180.0) / ((AXIS / sqrtMagic) * Math.cos(radLat) * Math.PI);
    return { latitude: lat + dLat, longitude: lng + dLng };
  }
  const round = (value, digits) => Number(value.toFixed(digits));

  // Where the phone is, in the system `type` asks for.
  function place(type) {
    const here = sim.profile().location;
    const point = type === 'gcj02' ? toGcj02(here.latitude, here.longitude) : { latitude: here.latitude, longitude: here.longitude };
    return { latitude: round(point.latitude, 6), longitude: round(point.longitude, 6), altitude: here.altitude };
  }

  // The fields of a fix: speed unknown, 65 m accuracy as phones report without GPS lock.
  function fix(options) {
    const point = place(options.type);
    return {
      latitude: point.latitude,
      longitude: point.longitude,
      speed: -1,
      accuracy: 65,
      altitude: options.altitude ? point.altitude : 0,
      verticalAccuracy: options.altitude ? 65 : 0,
      horizontalAccuracy: 65,
    };
  }

  const scoped = (api, scope, answer) => (options) => sim.askScope(api, scope) || answer(options);

  define('getLocation', (options) => sim.respondAsync('getLocation', options, { byDefault: scoped('getLocation', 'scope.userLocation', fix) }));
  // City precision: two decimals (about a kilometre).
  define('getFuzzyLocation', (options) => sim.respondAsync('getFuzzyLocation', options, {
    byDefault: scoped('getFuzzyLocation', 'scope.userFuzzyLocation', (opts) => {
      const point = place(opts.type);
      return { latitude: round(point.latitude, 2), longitude: round(point.longitude, 2) };
    }),
  }));

  // Updates: one fix at once, then one a second, to onLocationChange, until stopped.
  const changes = sim.listeners('onLocationChange');
  const errors = sim.listeners('onLocationChangeError');
  let updates = null;
  function startUpdates(api, scope) {
    return (options) => sim.respondAsync(api, options, {
      byDefault: () => sim.askScope(api, scope) || {},
      onAnswered: (result, opts) => {
        if (updates !== null) return;
        const send = () => changes.emit(fix({ type: opts.type }));
        later(send);
        updates = setInterval(send, 1000);
        sim.state.locationUpdating = true;
      },
    });
  }
  sim.keep('locationUpdating', false);
  sim.onReset(() => {
    if (updates !== null) clearInterval(updates);
    updates = null;
  });
  define('startLocationUpdate', startUpdates('startLocationUpdate', 'scope.userLocation'));
  define('startLocationUpdateBackground', startUpdates('startLocationUpdateBackground', 'scope.userLocationBackground'));
  define('stopLocationUpdate', (options) => sim.respondAsync('stopLocationUpdate', options, {
    onAnswered: () => {
      if (updates !== null) clearInterval(updates);
      updates = null;
      sim.state.locationUpdating = false;
    },
  }));
  define('onLocationChange', (fn) => changes.on(fn));
  define('offLocationChange', (fn) => changes.off(fn));
  define('onLocationChangeError', (fn) => errors.on(fn));
  define('offLocationChangeError', (fn) => errors.off(fn));

  // The user picks the place the phone is at (maps answer GCJ-02).
  define('chooseLocation', (options) => sim.respondAsync('chooseLocation', options, {
    byDefault: () => {
      const point = place('gcj02');
      return { name: '', address: '', latitude: point.latitude, longitude: point.longitude };
    },
  }));
  // Since 2022 choosePoi answers no coordinates; the user picks the city.
  define('choosePoi', (options) => sim.respondAsync('choosePoi', options, {
    byDefault: () => ({ type: 1, city: 0, name: '', address: '', latitude: 0, longitude: 0 }),
  }));
  define('openLocation', (options) => sim.respondAsync('openLocation', options));

  // A map shows the phone's place at the map component's default scale, 16 (documented), in
  // GCJ-02 as maps use; its region is the quarter-kilometre around it (chosen).
  const MAP_SCALE = 16;
  const REGION_HALF_SIDE = 0.00125;
  define('createMapContext', (mapId, component) => {
    sim.record('createMapContext', [mapId], undefined);
    return sim.instance('MapContext', {
      owner: 'createMapContext',
      defaults: {
        getCenterLocation: () => {
          const { latitude, longitude } = place('gcj02');
          return { latitude, longitude };
        },
        getScale: () => ({ scale: MAP_SCALE }),
        getRegion: () => {
          const { latitude, longitude } = place('gcj02');
          const corner = (sign) => ({ latitude: round(latitude + sign * REGION_HALF_SIDE, 6), longitude: round(longitude + sign * REGION_HALF_SIDE, 6) });
          return { northeast: corner(1), southwest: corner(-1) };
        },
      },
    });
  });
})
