// The mini-program framework, part 3 of 4: the page stack, opening pages, and the route APIs
// (navigateTo, redirectTo, navigateBack, switchTab, reLaunch) with the platform's errMsgs.
(function (core, mp) {
  'use strict';
  const { native, internals, define, asyncCall, okResult, failResult, checkParam, failNow, trace, brief, isPlainObject, ListenerList } = core;
  const { showListeners, hideListeners, launchOptions, lifecycle } = core.base;
  const { call, pageDefinitions, whileLoading, channelPair, createPage, lifetime, pageHook, showPage, hidePage, unloadPage } = mp;

  const STACK_LIMIT = 10;

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
    whileLoading(route, () => internals.loadModule(file));
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
    if (!state.launched) return { fail: core.fail(api, 'routeNotLaunched') };
    if (!state.routes.has(route) || !loadPage(route)) {
      if (state.routes.has(route)) missingPageFile(route);
      return { fail: core.fail(api, 'pageNotFound', route) };
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
    if (state.tabRoutes.has(found.route)) return core.fail('navigateTo', 'navigateToTab');
    if (state.stack.length >= STACK_LIMIT) return core.fail('navigateTo', 'webviewLimit');
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
    if (state.tabRoutes.has(found.route)) return core.fail('redirectTo', 'redirectToTab');
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
    if (!state.launched) return core.fail('navigateBack', 'routeNotLaunched');
    if (state.stack.length <= 1) return core.fail('navigateBack', 'firstPage');
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
    if (!state.tabRoutes.has(found.route)) return core.fail('switchTab', 'switchToNonTab');
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
      const appInstance = mp.appInstance();
      if (!appInstance) return;
      trace('app', 'onShow ' + brief(options));
      call(appInstance, appInstance.onShow, [options], 'App.onShow');
    },
    showPage() {
      if (top()) showPage(top());
    },
    hide() {
      if (top()) hidePage(top());
      const appInstance = mp.appInstance();
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

  Object.assign(mp, { state, getCurrentPages, splitUrl, routeOf, loadPage, openPage, top, missingPageFile });
})
