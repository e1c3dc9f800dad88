// The mini-program framework, part 1 of 4: running user code, App/getApp, and the app's error
// events (App.onError, wx.onError, onUnhandledRejection, onPageNotFound).
//
// The framework is one lazy layer in four parts (app, page, router, launcher), run in that
// order with one shared object `mp`: each part adds what the later ones use. Nothing is
// rendered: WXML and WXSS are not read, and custom components used by a page's template are not
// instantiated.
(function (core, mp) {
  'use strict';
  const { native, internals, define, asyncCall, okResult, failResult, checkParam, failNow, trace, brief, isPlainObject, ListenerList } = core;
  const { showListeners, hideListeners, launchOptions, lifecycle } = core.base;

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
  // The other parts read the app through these.
  mp.appInstance = () => appInstance;
  mp.defaultApp = () => defaultApp;
  mp.setAppInstance = (instance) => {
    appInstance = instance;
  };
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


  mp.call = call;
  mp.App = App;
  mp.getApp = getApp;
  mp.pageNotFoundListeners = pageNotFoundListeners;
})
