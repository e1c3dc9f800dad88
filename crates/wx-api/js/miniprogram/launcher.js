// The mini-program framework, part 4 of 4: the launcher behind `wxrun app` and
// `require('wxrun').miniprogram.launch()` (app.json, app.js, the entry page, --call), and the
// layer's exports.
(function (core, mp) {
  'use strict';
  const { native, internals, define, asyncCall, okResult, failResult, checkParam, failNow, trace, brief, isPlainObject, ListenerList } = core;
  const { showListeners, hideListeners, launchOptions, lifecycle } = core.base;
  const { call, App, getApp, Page, Component, Behavior, pageNotFoundListeners, setDataLog, state, getCurrentPages, splitUrl, routeOf, loadPage, openPage, top, missingPageFile } = mp;

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
    // Package files (media, workers) are found from here on.
    core.app.root = root;
    Object.assign(launchOptions, { path: entryRoute, query, scene: opts.scene === undefined ? 1001 : Number(opts.scene), referrerInfo: opts.referrerInfo || {} });
    // A mini-program keeps running after an error, as on a phone; the run still fails.
    internals.errorWatch.keepRunning = true;
    const appFile = ['/app.js', '/app.ts'].map((name) => root + name).find((file) => native.isFile(file));
    if (!appFile) throw launchError(root + ' has no app.js (or app.ts)');
    trace('app', 'load ' + appFile);
    internals.loadModule(appFile);
    if (!mp.appInstance()) {
      internals.warn('no-app', 'app.js did not call App(); an empty app stands in', appFile + ':1:1');
      mp.setAppInstance(mp.defaultApp() || {});
    }
    const appInstance = mp.appInstance();
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
      return mp.appInstance();
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
  function runFromCommandLine(dir, page, calls, exitWhenIdle) {
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
        if (exitWhenIdle) {
          await handle.ready();
          await idle({ timeout: 60000 });
          trace('app', 'idle: the run ends (--exit-when-idle)');
          internals.finish();
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
