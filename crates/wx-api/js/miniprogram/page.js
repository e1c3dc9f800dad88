// The mini-program framework, part 2 of 4: Page/Component/Behavior definitions, page
// instances with their lifecycles, setData with path keys and observers, event channels.
(function (core, mp) {
  'use strict';
  const { native, internals, define, asyncCall, okResult, failResult, checkParam, failNow, trace, brief, isPlainObject, ListenerList } = core;
  const { showListeners, hideListeners, launchOptions, lifecycle } = core.base;
  const { call } = mp;

  const SETDATA_LIMIT = 1024 * 1024;

  // ------------------------------------------------------------------ definitions

  // Page()/Component() called while a page file loads define that page; the launcher sets
  // `loadingRoute` around the require.
  let loadingRoute = null;
  const pageDefinitions = new Map();
  const componentDefinitions = [];

  // The definition filters of `definition`'s behaviors run when it is defined, in order, each
  // with the definition (which it may change: add methods, fields, lifetimes) and the filters
  // of its own behaviors, as libraries such as miniprogram-computed expect.
  function applyDefinitionFilters(definition) {
    for (const behavior of definition.behaviors || []) {
      const filter = behavior && behavior.__wxrunBehavior && behavior.definition.definitionFilter;
      if (typeof filter !== 'function') continue;
      const inner = (behavior.definition.behaviors || [])
        .map((b) => b && b.__wxrunBehavior && b.definition.definitionFilter)
        .filter((f) => typeof f === 'function');
      call(behavior.definition, filter, [definition, inner], 'Behavior definitionFilter');
    }
  }

  function Behavior(definition) {
    if (!isPlainObject(definition)) throw new TypeError('Behavior() expects an object, received ' + core.typeName(definition));
    applyDefinitionFilters(definition);
    return Object.freeze({ __wxrunBehavior: true, definition });
  }

  function Page(options) {
    if (!isPlainObject(options)) throw new TypeError('Page() expects an object, received ' + core.typeName(options));
    applyDefinitionFilters(options);
    register('page', options);
  }

  function Component(options) {
    if (!isPlainObject(options)) throw new TypeError('Component() expects an object, received ' + core.typeName(options));
    applyDefinitionFilters(options);
    register('component', options);
  }

  function register(kind, options) {
    if (loadingRoute === null) {
      // A component used from a template, or a page file run on its own with `wxrun run`:
      // kept, but nothing opens it.
      componentDefinitions.push({ kind, options });
      trace('app', (kind === 'page' ? 'Page' : 'Component') + '() registered outside a page load');
      return;
    }
    if (pageDefinitions.has(loadingRoute)) {
      internals.warn('page-twice', 'Page()/Component() was called more than once for ' + loadingRoute + '; the first call stands', internals.captureSite());
      return;
    }
    pageDefinitions.set(loadingRoute, { kind, options });
    trace('app', (kind === 'page' ? 'Page' : 'Component') + '() registered ' + loadingRoute);
  }

  // Behaviors first (in order, nested ones before theirs), then the definition itself.
  function flatten(options) {
    const parts = [];
    const visit = (definition) => {
      for (const behavior of definition.behaviors || []) {
        if (behavior && behavior.__wxrunBehavior) visit(behavior.definition);
      }
      parts.push(definition);
    };
    visit(options);
    return parts;
  }

  // Each page instance gets its own copy of the definition's data: plain objects and arrays
  // are copied, everything else (Dates, class instances) is shared.
  function clone(value) {
    if (Array.isArray(value)) return value.map(clone);
    if (isPlainObject(value)) {
      const out = {};
      for (const key of Object.keys(value)) out[key] = clone(value[key]);
      return out;
    }
    return value;
  }

  const PROPERTY_DEFAULTS = { String: '', Number: 0, Boolean: false, Object: null, Array: [], null: null };
  function propertyDefault(spec) {
    if (typeof spec === 'function') return clone(PROPERTY_DEFAULTS[spec.name]);
    if (spec && typeof spec === 'object') {
      if ('value' in spec) return clone(spec.value);
      if (typeof spec.type === 'function') return clone(PROPERTY_DEFAULTS[spec.type.name]);
    }
    return null;
  }
  // Page parameters arrive as strings; a Component page's properties convert them.
  function convertProperty(spec, text) {
    const type = typeof spec === 'function' ? spec : spec && spec.type;
    if (type === Number) return Number(text);
    if (type === Boolean) return text !== 'false' && text !== '0' && text !== '';
    if (type === Object || type === Array) {
      try {
        return JSON.parse(text);
      } catch (error) {
        return text;
      }
    }
    return text;
  }

  // ------------------------------------------------------------------ setData

  // 'a.b[0].c' → ['a', 'b', 0, 'c']; a key that does not parse is taken as one name.
  function parsePath(key) {
    const segments = [];
    const pattern = /([^.[\]]+)|\[(\d+)\]/g;
    let consumed = 0;
    let match;
    while ((match = pattern.exec(key)) !== null) {
      if (match[1] !== undefined) segments.push(match[1]);
      else segments.push(Number(match[2]));
      consumed += match[0].length;
    }
    const dots = (key.match(/\./g) || []).length;
    if (!segments.length || consumed + dots !== key.length) return [key];
    return segments;
  }

  function setPath(target, segments, value) {
    let node = target;
    for (let i = 0; i < segments.length - 1; i++) {
      const segment = segments[i];
      if (node[segment] === null || typeof node[segment] !== 'object') node[segment] = typeof segments[i + 1] === 'number' ? [] : {};
      node = node[segment];
    }
    node[segments[segments.length - 1]] = value;
  }

  function getPath(target, segments) {
    let node = target;
    for (const segment of segments) {
      if (node === null || node === undefined) return undefined;
      node = node[segment];
    }
    return node;
  }

  const setDataLog = [];

  function setData(page, data, callback) {
    if (!isPlainObject(data)) {
      console.error('setData expects an object, received ' + core.typeName(data));
      return;
    }
    if (page.__wxrun.unloaded) {
      internals.warn('setdata-unloaded', 'setData on ' + page.route + ' after it was unloaded has no effect on screen', internals.captureSite());
    }
    const changed = [];
    for (const key of Object.keys(data)) {
      if (data[key] === undefined) {
        console.warn('Setting data field "' + key + '" to undefined is invalid.');
        continue;
      }
      const segments = parsePath(key);
      setPath(page.data, segments, data[key]);
      changed.push(segments);
    }
    let size = 0;
    try {
      size = JSON.stringify(data).length;
    } catch (error) {
      size = 0;
    }
    if (size > SETDATA_LIMIT) internals.warn('setdata-size', 'setData sent ' + size + ' bytes to ' + page.route + '; phones refuse more than 1024 KB at once', internals.captureSite());
    setDataLog.push({ route: page.route, data: clone(withoutUndefined(data)) });
    trace('setData', page.route + ' ' + brief(data));
    runObservers(page, changed);
    if (typeof callback === 'function') core.later(() => call(page, callback, [], 'setData callback'));
  }

  function withoutUndefined(data) {
    const out = {};
    for (const key of Object.keys(data)) if (data[key] !== undefined) out[key] = data[key];
    return out;
  }

  // Component observers: a field ('a', 'b.c', 'list[0]', 'x.**', '**') fires when a set path
  // is the field, lies under it, or replaces what holds it. Each gets the fields' values.
  function observedPath(field) {
    const base = field.replace(/(^|\.)\*\*$/, '');
    return base === '' ? [] : parsePath(base);
  }
  function overlaps(a, b) {
    const shorter = Math.min(a.length, b.length);
    for (let i = 0; i < shorter; i++) if (String(a[i]) !== String(b[i])) return false;
    return true;
  }
  function runObservers(page, changedPaths) {
    for (const { fields, fn } of page.__wxrun.observers) {
      const paths = fields.map(observedPath);
      if (!paths.some((path) => changedPaths.some((changed) => overlaps(path, changed)))) continue;
      call(page, fn, paths.map((path) => getPath(page.data, path)), 'observer ' + fields.join(', '));
    }
  }

  // ------------------------------------------------------------------ event channels

  function channelPair() {
    const sides = [new Map(), new Map()];
    const endpoint = (mine, theirs) => ({
      on(name, fn) {
        if (!mine.has(name)) mine.set(name, []);
        mine.get(name).push({ fn, once: false });
      },
      once(name, fn) {
        if (!mine.has(name)) mine.set(name, []);
        mine.get(name).push({ fn, once: true });
      },
      off(name, fn) {
        if (!mine.has(name)) return;
        mine.set(name, fn ? mine.get(name).filter((entry) => entry.fn !== fn) : []);
      },
      emit(name, ...args) {
        const listeners = theirs.get(name) || [];
        theirs.set(name, listeners.filter((entry) => !entry.once));
        for (const entry of listeners) call(undefined, entry.fn, args, 'EventChannel ' + name);
      },
    });
    return [endpoint(sides[0], sides[1]), endpoint(sides[1], sides[0])];
  }

  // ------------------------------------------------------------------ pages

  let nextWebviewId = 1;
  const PAGE_METHODS = {
    setData(data, callback) {
      setData(this, data, callback);
    },
    getOpenerEventChannel() {
      return this.__wxrun.openerChannel || channelPair()[1];
    },
    selectComponent() {
      return null;
    },
    selectAllComponents() {
      return [];
    },
    triggerEvent(name, detail) {
      trace('event', this.route + ' triggerEvent ' + name + ' ' + brief(detail));
    },
  };

  function createPage(route, query, openerChannel) {
    const definition = pageDefinitions.get(route);
    const page = {};
    let markReady;
    const ready = new Promise((resolve) => (markReady = resolve));
    Object.defineProperty(page, '__wxrun', { value: { kind: definition.kind, observers: [], lifetimes: {}, pageLifetimes: {}, unloaded: false, openerChannel, webviewId: nextWebviewId++, ready, markReady } });
    for (const name of Object.keys(PAGE_METHODS)) Object.defineProperty(page, name, { value: PAGE_METHODS[name], writable: true, configurable: true });
    page.data = {};
    const parts = flatten(definition.options);
    if (definition.kind === 'page') {
      for (const part of parts) {
        for (const key of Object.keys(part)) {
          if (key === 'behaviors') continue;
          if (key === 'data') Object.assign(page.data, clone(part.data));
          else page[key] = typeof part[key] === 'function' ? part[key] : clone(part[key]);
        }
      }
    } else {
      const properties = {};
      for (const part of parts) {
        Object.assign(properties, part.properties || {});
        Object.assign(page.data, clone(part.data || {}));
        for (const [name, fn] of Object.entries(part.methods || {})) page[name] = fn;
        for (const [field, fn] of Object.entries(part.observers || {})) page.__wxrun.observers.push({ fields: field.split(',').map((f) => f.trim()), fn });
        const lifetimes = Object.assign({}, pick(part, ['created', 'attached', 'ready', 'moved', 'detached']), part.lifetimes || {});
        for (const [name, fn] of Object.entries(lifetimes)) (page.__wxrun.lifetimes[name] = page.__wxrun.lifetimes[name] || []).push(fn);
        for (const [name, fn] of Object.entries(part.pageLifetimes || {})) (page.__wxrun.pageLifetimes[name] = page.__wxrun.pageLifetimes[name] || []).push(fn);
      }
      for (const [name, spec] of Object.entries(properties)) {
        page.data[name] = name in query ? convertProperty(spec, query[name]) : propertyDefault(spec);
      }
      page.properties = page.data;
    }
    page.route = route;
    page.__route__ = route;
    page.options = Object.assign({}, query);
    return page;
  }

  function pick(object, names) {
    const out = {};
    for (const name of names) if (typeof object[name] === 'function') out[name] = object[name];
    return out;
  }

  function lifetime(page, name) {
    for (const fn of page.__wxrun.lifetimes[name] || []) call(page, fn, [], 'Component ' + name);
  }

  function pageHook(page, name, args) {
    trace('page', page.route + ' ' + name + (args && args.length ? ' ' + brief(args[0]) : ''));
    return call(page, page[name], args || [], 'Page.' + name);
  }

  function showPage(page) {
    pageHook(page, 'onShow');
    for (const fn of page.__wxrun.pageLifetimes.show || []) call(page, fn, [], 'pageLifetimes.show');
  }

  function hidePage(page) {
    pageHook(page, 'onHide');
    for (const fn of page.__wxrun.pageLifetimes.hide || []) call(page, fn, [], 'pageLifetimes.hide');
  }

  function unloadPage(page) {
    pageHook(page, 'onUnload');
    if (page.__wxrun.kind === 'component') lifetime(page, 'detached');
    page.__wxrun.unloaded = true;
  }

  // Runs `load` (which requires a page file) so that Page()/Component() calls it makes define
  // `route`.
  function whileLoading(route, load) {
    const previous = loadingRoute;
    loadingRoute = route;
    try {
      load();
    } finally {
      loadingRoute = previous;
    }
  }

  Object.assign(mp, { Page, Component, Behavior, pageDefinitions, setDataLog, whileLoading, channelPair, createPage, lifetime, pageHook, showPage, hidePage, unloadPage });
})
