// The mini-program framework, headless: App/getApp, Page/getCurrentPages, Component/Behavior,
// page lifecycles, setData with path keys, the page stack and the route APIs (navigateTo,
// redirectTo, navigateBack, switchTab, reLaunch), the app error events, and the launcher behind
// `wxrun app` and `require('wxrun').miniprogram.launch()`. Nothing is rendered: WXML and WXSS
// are not read, and custom components used by a page's template are not instantiated.
(function (core) {
  'use strict';
  const { native, internals, define, asyncCall, okResult, failResult, checkParam, failNow, trace, brief, isPlainObject, ListenerList } = core;
  const { showListeners, hideListeners, launchOptions, lifecycle } = core.base;

  const STACK_LIMIT = 10;
  const SETDATA_LIMIT = 1024 * 1024;

  // ------------------------------------------------------------------ running user code

  // Calls a lifecycle function or handler of the app or a page. An exception is reported the
  // way the platform reports it (App.onError) and counted, and what follows still runs.
  function call(owner, fn, args, label) {
    if (typeof fn !== 'function') return undefined;
    // An async handler's rejection is left alone: it is reported as an unhandled rejection.
    try {
      return fn.apply(owner, args);
    } catch (error) {
      internals.reportCallbackError(error, label);
      return undefined;
    }
  }

  // ------------------------------------------------------------------ App and errors

  let appDefinition = null;
  let appInstance = null;
  // What getApp({ allowDefault: true }) handed out before App() was called.
  let defaultApp = null;
  const errorListeners = new ListenerList('onError');
  const rejectionListeners = new ListenerList('onUnhandledRejection');
  const pageNotFoundListeners = new ListenerList('onPageNotFound');

  // The text App.onError receives: name, message and the stack, its locations naming the
  // files, lines and columns the user wrote (TypeScript included).
  function errorText(error) {
    if (error instanceof Error) {
      const stack = internals.userStack(error.stack);
      return error.name + ': ' + error.message + (stack ? '\n' + stack : '');
    }
    return String(error);
  }

  // Every user error reaches App.onError / wx.onError, and every unhandled rejection
  // App.onUnhandledRejection / wx.onUnhandledRejection; the run still counts it as a failure.
  internals.errorWatch.observer = (error, origin, promise) => {
    if (origin === 'unhandledRejection') {
      const event = { reason: error, promise };
      trace('app', 'onUnhandledRejection ' + brief(error instanceof Error ? error.message : error));
      if (appInstance) call(appInstance, appInstance.onUnhandledRejection, [event], 'App.onUnhandledRejection');
      rejectionListeners.emit(event);
      return;
    }
    const text = errorText(error);
    trace('app', 'onError ' + brief(error instanceof Error ? error.message : error));
    if (appInstance) call(appInstance, appInstance.onError, [text], 'App.onError');
    errorListeners.emit(text);
  };

  function App(options) {
    if (!isPlainObject(options)) throw new TypeError('App() expects an object, received ' + core.typeName(options));
    if (appDefinition) {
      internals.warn('app-twice', 'App() was called more than once; the first call stands', internals.captureSite());
      return;
    }
    appDefinition = options;
    // getApp() returns the object given to App(), with what getApp({ allowDefault: true })
    // collected before it.
    appInstance = defaultApp ? Object.assign(defaultApp, options) : options;
    trace('app', 'App() registered');
  }

  function getApp(options) {
    if (appInstance) return appInstance;
    if (options && options.allowDefault) {
      if (!defaultApp) defaultApp = {};
      return defaultApp;
    }
    return undefined;
  }

  define('onError', (fn) => errorListeners.on(fn));
  define('offError', (fn) => errorListeners.off(fn));
  define('onUnhandledRejection', (fn) => rejectionListeners.on(fn));
  define('offUnhandledRejection', (fn) => rejectionListeners.off(fn));
  define('onPageNotFound', (fn) => pageNotFoundListeners.on(fn));
  define('offPageNotFound', (fn) => pageNotFoundListeners.off(fn));
  define('getLaunchOptionsSync', () => JSON.parse(JSON.stringify(launchOptions)));
  define('getEnterOptionsSync', () => JSON.parse(JSON.stringify(launchOptions)));

  // ------------------------------------------------------------------ definitions

  // Page()/Component() called while a page file loads define that page; the launcher sets
  // `loadingRoute` around the require.
  let loadingRoute = null;
  const pageDefinitions = new Map();
  const componentDefinitions = [];

  function Behavior(definition) {
    if (!isPlainObject(definition)) throw new TypeError('Behavior() expects an object, received ' + core.typeName(definition));
    return Object.freeze({ __wxrunBehavior: true, definition });
  }

  function Page(options) {
    if (!isPlainObject(options)) throw new TypeError('Page() expects an object, received ' + core.typeName(options));
    register('page', options);
  }

  function Component(options) {
    if (!isPlainObject(options)) throw new TypeError('Component() expects an object, received ' + core.typeName(options));
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

  // ------------------------------------------------------------------ the app and its routes

  const state = {
    launched: false,
    root: null,
    manifest: null,
    routes: new Set(),
    tabRoutes: new Set(),
    stack: [],
    tabPages: new Map(),
    pendingRoutes: 0,
  };

  function getCurrentPages() {
    return state.stack.slice();
  }

  function splitUrl(url) {
    const at = url.indexOf('?');
    const path = at < 0 ? url : url.slice(0, at);
    const query = {};
    if (at >= 0) {
      for (const pair of url.slice(at + 1).split('&')) {
        if (!pair) continue;
        const eq = pair.indexOf('=');
        // Values stay as written: phones hand page parameters over without decoding them.
        if (eq < 0) query[pair] = '';
        else query[pair.slice(0, eq)] = pair.slice(eq + 1);
      }
    }
    return { path, query };
  }

  // A route from a url: '/pages/a/a', 'pages/a/a', or relative to the current page.
  function routeOf(path) {
    let parts;
    if (path.startsWith('/')) parts = path.slice(1).split('/');
    else {
      const current = state.stack.length ? state.stack[state.stack.length - 1].route : '';
      parts = current.split('/').slice(0, -1).concat(path.split('/'));
    }
    const out = [];
    for (const part of parts) {
      if (part === '' || part === '.') continue;
      if (part === '..') out.pop();
      else out.push(part);
    }
    return out.join('/').replace(/\.js$/, '');
  }

  // The page's script: `<route>.js`, or `<route>.ts` in a TypeScript project.
  function pageFile(route) {
    for (const ext of ['.js', '.ts']) {
      const file = state.root + '/' + route + ext;
      if (native.isFile(file)) return file;
    }
    return null;
  }

  function loadPage(route) {
    if (pageDefinitions.has(route)) return true;
    const file = pageFile(route);
    if (!file) return false;
    const previous = loadingRoute;
    loadingRoute = route;
    try {
      internals.loadModule(file);
    } finally {
      loadingRoute = previous;
    }
    if (!pageDefinitions.has(route)) {
      console.error('wxrun: ' + file + ' did not call Page() or Component(); an empty page stands in for it');
      pageDefinitions.set(route, { kind: 'page', options: {} });
    }
    return true;
  }

  // Opens `route`: loads its file, creates the page, runs onLoad and onShow now and onReady as
  // the next macrotask (after the first render, on a phone).
  function openPage(route, query, openerChannel) {
    const page = createPage(route, query, openerChannel);
    state.stack.push(page);
    if (state.tabRoutes.has(route)) state.tabPages.set(route, page);
    if (page.__wxrun.kind === 'component') {
      lifetime(page, 'created');
      lifetime(page, 'attached');
    }
    pageHook(page, 'onLoad', [Object.assign({}, query)]);
    showPage(page);
    core.later(() => {
      // A page closed before its first render never becomes ready; whoever waits goes on.
      if (!page.__wxrun.unloaded) {
        if (page.__wxrun.kind === 'component') lifetime(page, 'ready');
        pageHook(page, 'onReady');
      }
      page.__wxrun.markReady(page);
    });
    return page;
  }

  function top() {
    return state.stack[state.stack.length - 1];
  }

  // Checks a route api's url; returns { route, query } or the fail result.
  function target(api, url) {
    const { path, query } = splitUrl(url);
    const route = routeOf(path);
    if (!state.launched) return { fail: failResult(api, 'the app has not been launched (use wxrun app, or require("wxrun").miniprogram.launch())') };
    if (!state.routes.has(route) || !loadPage(route)) {
      if (state.routes.has(route)) missingPageFile(route);
      return { fail: failResult(api, 'page "' + route + '" is not found') };
    }
    return { route, query };
  }

  function routeApi(api, run) {
    return (options) => {
      const opts = options || {};
      if (api !== 'navigateBack') {
        const bad = checkParam(api, 'url', opts.url, ['String']);
        if (bad) return failNow(api, opts, bad);
      }
      state.pendingRoutes++;
      return asyncCall(api, opts, (settle) => {
        core.later(() => {
          state.pendingRoutes--;
          const result = run(opts);
          settle(/:ok$/.test(result.errMsg), result);
        });
      }, { promise: true });
    };
  }

  define('navigateTo', routeApi('navigateTo', (opts) => {
    const found = target('navigateTo', opts.url);
    if (found.fail) return found.fail;
    if (state.tabRoutes.has(found.route)) return failResult('navigateTo', 'can not navigateTo a tabbar page');
    if (state.stack.length >= STACK_LIMIT) return failResult('navigateTo', 'webview count limit exceed');
    trace('route', 'navigateTo ' + opts.url);
    const [opener, opened] = channelPair();
    for (const [name, fn] of Object.entries(opts.events || {})) opener.on(name, fn);
    if (top()) hidePage(top());
    openPage(found.route, found.query, opened);
    return okResult('navigateTo', { eventChannel: opener });
  }));

  define('redirectTo', routeApi('redirectTo', (opts) => {
    const found = target('redirectTo', opts.url);
    if (found.fail) return found.fail;
    if (state.tabRoutes.has(found.route)) return failResult('redirectTo', 'can not redirectTo a tabbar page');
    trace('route', 'redirectTo ' + opts.url);
    const leaving = state.stack.pop();
    if (leaving) {
      unloadPage(leaving);
      if (state.tabPages.get(leaving.route) === leaving) state.tabPages.delete(leaving.route);
    }
    openPage(found.route, found.query);
    return okResult('redirectTo');
  }));

  define('navigateBack', routeApi('navigateBack', (opts) => {
    if (!state.launched) return failResult('navigateBack', 'the app has not been launched');
    if (state.stack.length <= 1) return failResult('navigateBack', 'cannot navigate back at first page.');
    const delta = Math.max(1, Math.min(Number(opts.delta) || 1, state.stack.length - 1));
    trace('route', 'navigateBack ' + delta);
    for (let i = 0; i < delta; i++) {
      const leaving = state.stack.pop();
      unloadPage(leaving);
    }
    showPage(top());
    return okResult('navigateBack');
  }));

  define('switchTab', routeApi('switchTab', (opts) => {
    const found = target('switchTab', opts.url.split('?')[0]);
    if (found.fail) return found.fail;
    if (!state.tabRoutes.has(found.route)) return failResult('switchTab', 'can not switch to no-tabBar page');
    trace('route', 'switchTab ' + found.route);
    // Pages above the tab bar close; tab pages stay loaded and are hidden and shown.
    while (state.stack.length) {
      const leaving = state.stack.pop();
      if (state.tabPages.get(leaving.route) === leaving) {
        if (leaving.route !== found.route) hidePage(leaving);
      } else unloadPage(leaving);
    }
    const kept = state.tabPages.get(found.route);
    if (kept) {
      state.stack.push(kept);
      showPage(kept);
    } else openPage(found.route, {});
    return okResult('switchTab');
  }));

  define('reLaunch', routeApi('reLaunch', (opts) => {
    const found = target('reLaunch', opts.url);
    if (found.fail) return found.fail;
    trace('route', 'reLaunch ' + opts.url);
    closeAll();
    openPage(found.route, found.query);
    return okResult('reLaunch');
  }));

  function closeAll() {
    while (state.stack.length) unloadPage(state.stack.pop());
    for (const page of state.tabPages.values()) if (!page.__wxrun.unloaded) unloadPage(page);
    state.tabPages.clear();
  }

  // App.onShow / page onShow around the wx.onAppShow listeners, when `wxrun.app` moves the app.
  lifecycle.observer = {
    showApp(options) {
      if (!appInstance) return;
      trace('app', 'onShow ' + brief(options));
      call(appInstance, appInstance.onShow, [options], 'App.onShow');
    },
    showPage() {
      if (top()) showPage(top());
    },
    hide() {
      if (top()) hidePage(top());
      if (appInstance) {
        trace('app', 'onHide');
        call(appInstance, appInstance.onHide, [], 'App.onHide');
      }
    },
  };

  // A page app.json lists whose script is missing: the phone says the page is not found;
  // wxrun also says why, once per page.
  const missingReported = new Set();
  function missingPageFile(route) {
    if (missingReported.has(route)) return;
    missingReported.add(route);
    console.error('wxrun: app.json lists the page "' + route + '", but neither ' + state.root + '/' + route + '.js nor .ts exists');
  }

  // A problem with the project itself (no app.json, a bad manifest): `wxrun app` reports it and
  // exits 2, nothing of the app having run. Errors of the app's code are not of this kind.
  function launchError(message) {
    const error = new Error(message);
    Object.defineProperty(error, 'wxrunLaunch', { value: true });
    return error;
  }

  // ------------------------------------------------------------------ launching

  function readManifest(root) {
    const file = root + '/app.json';
    if (!native.isFile(file)) throw launchError(root + ' has no app.json: a mini-program folder holds app.json and app.js');
    const manifest = internals.loadModule(file);
    const where = (key) => file + ': "' + key + '" ';
    if (!isPlainObject(manifest)) throw launchError(file + ' should hold a JSON object');
    if (!Array.isArray(manifest.pages) || !manifest.pages.length || !manifest.pages.every((p) => typeof p === 'string')) {
      throw launchError(where('pages') + 'should list the page routes, such as ["pages/index/index"]');
    }
    const routes = manifest.pages.map((p) => p.replace(/^\//, ''));
    const subpackages = manifest.subpackages || manifest.subPackages || [];
    if (!Array.isArray(subpackages)) throw launchError(where('subpackages') + 'should be a list of { "root": ..., "pages": [...] }');
    for (const sub of subpackages) {
      if (!sub || typeof sub.root !== 'string' || !Array.isArray(sub.pages)) throw launchError(where('subpackages') + 'entries need a "root" string and a "pages" list');
      for (const p of sub.pages) routes.push((sub.root.replace(/^\/|\/$/g, '') + '/' + p).replace(/^\//, ''));
    }
    const tabs = [];
    if (manifest.tabBar !== undefined) {
      const list = manifest.tabBar && manifest.tabBar.list;
      if (!Array.isArray(list)) throw launchError(where('tabBar') + 'should have a "list" of { "pagePath": ..., "text": ... }');
      for (const item of list) {
        const route = item && typeof item.pagePath === 'string' ? item.pagePath.replace(/^\//, '') : null;
        if (!route || !routes.includes(route)) throw launchError(where('tabBar') + 'lists ' + JSON.stringify(item && item.pagePath) + ', which is not one of the pages');
        tabs.push(route);
      }
    }
    const entry = manifest.entryPagePath === undefined ? routes[0] : String(manifest.entryPagePath).replace(/^\//, '');
    if (!routes.includes(entry)) throw launchError(where('entryPagePath') + JSON.stringify(manifest.entryPagePath) + ' is not one of the pages');
    return { file, manifest, routes, tabs, entry };
  }

  // Loads the app in `dir` and opens its entry page (or `options.page`, a url with a query).
  // Configuration problems throw at once; the returned Promise resolves with the launched
  // app's handle once the first page is ready.
  function launch(dir, options) {
    const opts = options || {};
    if (state.launched) throw launchError('wxrun: an app was already launched in this run (each test file gets a fresh runtime; use reLaunch to start over)');
    if (typeof dir !== 'string') throw new TypeError('launch(dir): dir should be the folder of app.json');
    if (opts.trace !== undefined) core.tracing.on = Boolean(opts.trace);
    const root = native.appRoot(dir);
    const { manifest, routes, tabs, entry } = readManifest(root);
    const { path, query } = splitUrl(opts.page === undefined ? entry : String(opts.page));
    const entryRoute = routeOf(path.startsWith('/') ? path : '/' + path);
    Object.assign(state, { launched: true, root, manifest, routes: new Set(routes), tabRoutes: new Set(tabs) });
    Object.assign(launchOptions, { path: entryRoute, query, scene: opts.scene === undefined ? 1001 : Number(opts.scene), referrerInfo: opts.referrerInfo || {} });
    // A mini-program keeps running after an error, as on a phone; the run still fails.
    internals.errorWatch.keepRunning = true;
    const appFile = ['/app.js', '/app.ts'].map((name) => root + name).find((file) => native.isFile(file));
    if (!appFile) throw launchError(root + ' has no app.js (or app.ts)');
    trace('app', 'load ' + appFile);
    internals.loadModule(appFile);
    if (!appInstance) {
      internals.warn('no-app', 'app.js did not call App(); an empty app stands in', appFile + ':1:1');
      appInstance = defaultApp || {};
    }
    const shown = JSON.parse(JSON.stringify(launchOptions));
    trace('app', 'onLaunch ' + brief(shown));
    call(appInstance, appInstance.onLaunch, [JSON.parse(JSON.stringify(launchOptions))], 'App.onLaunch');
    trace('app', 'onShow ' + brief(shown));
    call(appInstance, appInstance.onShow, [shown], 'App.onShow');
    showListeners.emit(shown);
    let first;
    if (!state.routes.has(entryRoute) || !loadPage(entryRoute)) {
      const event = { path: entryRoute, query, isEntryPage: true };
      if (typeof appInstance.onPageNotFound !== 'function' && !pageNotFoundListeners.size) {
        if (state.routes.has(entryRoute)) {
          throw launchError('app.json lists the page "' + entryRoute + '", but neither ' + root + '/' + entryRoute + '.js nor .ts exists');
        }
        throw launchError('page "' + entryRoute + '" is not in ' + root + '/app.json (pages: ' + routes.join(', ') + ')');
      }
      if (state.routes.has(entryRoute)) missingPageFile(entryRoute);
      trace('app', 'onPageNotFound ' + brief(event));
      call(appInstance, appInstance.onPageNotFound, [event], 'App.onPageNotFound');
      pageNotFoundListeners.emit(event);
      first = Promise.resolve(null);
    } else {
      trace('route', 'launch ' + entryRoute + (Object.keys(query).length ? ' ' + brief(query) : ''));
      first = openPage(entryRoute, query).__wxrun.ready;
    }
    return first.then(() => handle);
  }

  // Runs `method` of the current page with an event object, as a tap would. `event` fields
  // (`detail`, `dataset`, `type`, `mark`) go into the event. Resolves with what the method
  // returned (awaited when it is a Promise).
  function callPage(method, event) {
    const page = top();
    if (!page) return Promise.reject(new Error('wxrun: no page is open'));
    if (typeof page[method] !== 'function') {
      const methods = Object.keys(page).filter((key) => typeof page[key] === 'function');
      return Promise.reject(new Error('wxrun: the page ' + page.route + ' has no method "' + method + '" (it has: ' + methods.join(', ') + ')'));
    }
    const given = event || {};
    const dataset = given.dataset || {};
    const target = { id: given.id || '', dataset: Object.assign({}, dataset) };
    const full = Object.assign(
      { type: 'tap', timeStamp: Date.now(), target, currentTarget: { id: target.id, dataset: Object.assign({}, dataset) }, detail: {}, mark: {}, touches: [], changedTouches: [] },
      given,
    );
    delete full.dataset;
    delete full.id;
    full.target = target;
    trace('call', page.route + ' ' + method + ' ' + brief(given));
    return Promise.resolve(call(page, page[method], [full], 'Page.' + method));
  }

  // Settles once no request, upload, download or route change has been in flight for three
  // checks in a row. Open WebSockets, bound UDP sockets and mDNS scans do not count: they
  // stay open for as long as the app lives, and would keep it busy for ever.
  function idle(options) {
    let quiet = 0;
    const timeout = (options && options.timeout) || 10000;
    return until(() => {
      quiet = core.transfersInFlight() === 0 && state.pendingRoutes === 0 ? quiet + 1 : 0;
      return quiet >= 3;
    }, { timeout, what: 'the app was still busy' }).then(() => undefined);
  }

  // Polls `predicate` every 5 ms until it returns something true (or a timeout).
  function until(predicate, options) {
    const timeout = (options && options.timeout) || 5000;
    const what = (options && options.what) || 'until() timed out';
    const started = Date.now();
    return new Promise((resolve, reject) => {
      const check = () => {
        let value;
        try {
          value = predicate();
        } catch (error) {
          return reject(error);
        }
        if (value) return resolve(value);
        if (Date.now() - started > timeout) return reject(new Error('wxrun: ' + what + ' after ' + timeout + ' ms'));
        setTimeout(check, 5);
      };
      check();
    });
  }

  const handle = Object.freeze({
    get app() {
      return appInstance;
    },
    get pages() {
      return getCurrentPages();
    },
    get currentPage() {
      return top();
    },
    get setDataCalls() {
      return setDataLog.slice();
    },
    call: callPage,
    idle,
    until,
    ready: () => (top() ? top().__wxrun.ready : Promise.resolve(undefined)),
  });

  // `wxrun app`: launches, then runs each `--call` once the page is ready and nothing is in
  // flight. Returns the error text of a launch that could not start, else null.
  function runFromCommandLine(dir, page, calls) {
    let launched;
    try {
      launched = launch(dir, { page: page === null ? undefined : page });
    } catch (error) {
      if (error && error.wxrunLaunch) return error.message;
      // The app's own code failed while launching: an uncaught error of the app.
      throw error;
    }
    launched
      .then(async () => {
        for (const [method, eventJson] of calls) {
          await handle.ready();
          await idle({ timeout: 60000 });
          await callPage(method, eventJson ? JSON.parse(eventJson) : {});
        }
      })
      .catch((error) => {
        console.error('wxrun app: ' + (error && error.message ? error.message : String(error)));
        internals.builtin('wxrun').exit(2);
      });
    return null;
  }

  const controls = Object.freeze({
    launch,
    get launched() {
      return state.launched ? handle : null;
    },
    runFromCommandLine,
  });

  return { App, getApp, Page, getCurrentPages, Component, Behavior, controls };
})
