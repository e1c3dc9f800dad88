// Base APIs network code leans on: system information, env, base64, canIUse, network type,
// and the app show/hide events with their `wxrun.app` controls.
(function (core) {
  'use strict';
  const { native, internals, define, asyncCall, okResult, ListenerList } = core;

  define('env', Object.freeze({ USER_DATA_PATH: 'wxfile://usr' }));

  // The device profile's answer, with what the simulated phone changed since (the theme an
  // emitted onThemeChange set).
  const systemOverlay = {};
  const systemInfo = () => Object.assign(native.systemInfo(), systemOverlay);
  core.systemOverlay = systemOverlay;
  core.systemInfo = systemInfo;
  define('getSystemInfoSync', () => systemInfo());
  define('getSystemInfo', (options) => asyncCall('getSystemInfo', options, (settle) => settle(true, okResult('getSystemInfo', systemInfo())), { promise: true }));
  define('getSystemInfoAsync', (options) => asyncCall('getSystemInfoAsync', options, (settle) => settle(true, okResult('getSystemInfoAsync', systemInfo())), { promise: true }));
  const pick = (keys) => () => {
    const info = systemInfo();
    const out = {};
    for (const key of keys) if (key in info) out[key] = info[key];
    return out;
  };
  define('getWindowInfo', pick(['pixelRatio', 'screenWidth', 'screenHeight', 'windowWidth', 'windowHeight', 'statusBarHeight', 'safeArea', 'screenTop']));
  define('getDeviceInfo', pick(['abi', 'benchmarkLevel', 'brand', 'model', 'system', 'platform', 'memorySize']));
  define('getAppBaseInfo', pick(['SDKVersion', 'enableDebug', 'host', 'language', 'version', 'theme', 'fontSizeSetting', 'fontSizeScaleFactor']));

  define('arrayBufferToBase64', (buffer) => {
    const bytes = ArrayBuffer.isView(buffer) ? new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength) : new Uint8Array(buffer);
    let binary = '';
    const CHUNK = 0x8000;
    for (let i = 0; i < bytes.length; i += CHUNK) binary += String.fromCharCode.apply(null, bytes.subarray(i, i + CHUNK));
    return btoa(binary);
  });
  // Leniently, as the platform's decoder: characters outside the alphabet are skipped and a
  // dangling last character is dropped.
  define('base64ToArrayBuffer', (base64) => {
    let text = core.text(base64).replace(/[^A-Za-z0-9+/]/g, '');
    if (text.length % 4 === 1) text = text.slice(0, -1);
    const binary = atob(text + '=='.slice(0, (4 - (text.length % 4)) % 4));
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes.buffer;
  });

  // The account a build belongs to: wxrun runs the development version of the configured appid.
  define('getAccountInfoSync', () => ({ miniProgram: { appId: native.appid, envVersion: 'develop', version: '' }, plugin: {} }));

  define('canIUse', (schema) => (typeof schema === 'string' ? native.canIUse(schema) : false));

  // Network state. `require('wxrun').network` switches it as a phone's user would; going
  // offline makes new requests, transfers and WebSockets fail with ERR_INTERNET_DISCONNECTED.
  let networkType = native.networkType;
  const networkListeners = new ListenerList('onNetworkStatusChange');
  native.setOnline(networkType !== 'none');
  define('getNetworkType', (options) =>
    asyncCall(
      'getNetworkType',
      options,
      (settle) => settle(true, okResult('getNetworkType', { networkType, signalStrength: networkType === 'none' ? 0 : 4, hasSystemProxy: false })),
      { promise: true },
    ),
  );
  define('onNetworkStatusChange', (fn) => networkListeners.on(fn));
  define('offNetworkStatusChange', (fn) => networkListeners.off(fn));
  const NETWORK_TYPES = ['wifi', '2g', '3g', '4g', '5g', 'unknown', 'none'];
  function setNetworkType(type) {
    if (!NETWORK_TYPES.includes(type)) throw new TypeError('wxrun.network: networkType should be one of ' + NETWORK_TYPES.join(', ') + ', not ' + JSON.stringify(type));
    if (type === networkType) return;
    networkType = type;
    native.setOnline(type !== 'none');
    core.trace('network', 'networkType ' + type);
    const status = { isConnected: type !== 'none', networkType: type };
    core.later(() => networkListeners.emit(status));
  }
  let lastOnlineType = networkType === 'none' ? 'wifi' : networkType;
  internals.builtin('wxrun').network = Object.freeze({
    get type() {
      return networkType;
    },
    get isConnected() {
      return networkType !== 'none';
    },
    setType(type) {
      setNetworkType(type);
      if (type !== 'none') lastOnlineType = type;
    },
    offline() {
      setNetworkType('none');
    },
    // Back on the network that was in use before going offline.
    online() {
      setNetworkType(lastOnlineType);
    },
  });

  // App lifecycle events. `require('wxrun').app.hide()` / `.show()` move the app between
  // foreground and background as a phone does when the user switches apps.
  const showListeners = new ListenerList('onAppShow');
  const hideListeners = new ListenerList('onAppHide');
  define('onAppShow', (fn) => showListeners.on(fn));
  define('offAppShow', (fn) => showListeners.off(fn));
  define('onAppHide', (fn) => hideListeners.on(fn));
  define('offAppHide', (fn) => hideListeners.off(fn));

  let foreground = true;
  const launchOptions = { path: '', query: {}, scene: 1001, referrerInfo: {}, apiCategory: 'default' };
  // The mini-program layer, once loaded, runs App.onShow/onHide and the current page's
  // onShow/onHide around the wx.onAppShow/onAppHide listeners.
  const lifecycle = { observer: null };
  const app = {
    get state() {
      return foreground ? 'foreground' : 'background';
    },
    hide() {
      if (!foreground) return;
      foreground = false;
      native.setForeground(false);
      core.trace('app', 'hide (background)');
      core.later(() => {
        if (lifecycle.observer) lifecycle.observer.hide();
        hideListeners.emit(undefined);
      });
    },
    show(options) {
      if (foreground) return;
      foreground = true;
      native.setForeground(true);
      const shown = Object.assign({}, launchOptions, options || {});
      core.trace('app', 'show (foreground) ' + core.brief(shown));
      core.later(() => {
        if (lifecycle.observer) lifecycle.observer.showApp(shown);
        showListeners.emit(shown);
        if (lifecycle.observer) lifecycle.observer.showPage();
      });
    },
  };
  core.base = { showListeners, hideListeners, launchOptions, lifecycle };
  internals.builtin('wxrun').app = app;
  // Fixture files for tests: put(path, string | ArrayBuffer) writes into the sandbox
  // (creating folders), hostPath(path) tells where a sandbox path lives on the host.
  internals.builtin('wxrun').sandbox = Object.freeze({
    put: (path, data) => native.fs.put(path, data),
    hostPath: (path) => native.fs.hostPath(path),
  });
  // Mock rules from the script (docs/mocks.md): checked before the rule files. The test
  // runner drops those a test (or its beforeEach) added once the test is over.
  if (native.mockAdd) {
    internals.mockMark = () => native.mockMark();
    internals.mockRemoveAfter = (mark) => native.mockRemoveAfter(mark);
    internals.builtin('wxrun').mock = (rule) => {
      const id = native.mockAdd(JSON.stringify(rule));
      return Object.freeze({ remove: () => native.mockRemove(id) });
    };
    internals.builtin('wxrun').clearMocks = () => native.mockClear();
  }

  // The mini-program globals load with their layer on first use, so that plain scripts do not
  // pay for parsing it.
  const MINIPROGRAM_GLOBALS = ['App', 'getApp', 'Page', 'getCurrentPages', 'Component', 'Behavior'];
  for (const name of MINIPROGRAM_GLOBALS) {
    Object.defineProperty(globalThis, name, {
      get() {
        const value = core.layerExports('miniprogram')[name];
        Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
        return value;
      },
      set(value) {
        Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
      },
      configurable: true,
      enumerable: false,
    });
  }
  const wxrunModule = internals.builtin('wxrun');

  // requirePlugin(name): a plugin's code lives in WeChat's plugin store, not in the project, so
  // wxrun hands out what a script provided (`require('wxrun').plugins.provide(name, exports)`)
  // or else a stand-in whose every method is recorded (`device.callsOf('plugin:<name>.<m>')`)
  // and returns undefined, with a hint once per plugin (docs/device.md#plugins).
  const providedPlugins = new Map();
  const standIns = new Map();
  function standIn(name) {
    core.hint('requirePlugin(' + JSON.stringify(name) + "): the plugin's code is not in the project; its methods are recorded and return undefined (give it an implementation with require('wxrun').plugins.provide)");
    const methods = new Map();
    return new Proxy({}, {
      get(target, key) {
        if (typeof key !== 'string' || key === 'then') return undefined;
        if (!methods.has(key)) {
          methods.set(key, (...args) => {
            core.layerExports('simulated').record('plugin:' + name + '.' + key, args, undefined);
            return undefined;
          });
        }
        return methods.get(key);
      },
    });
  }
  Object.defineProperty(globalThis, 'requirePlugin', {
    value: function requirePlugin(name) {
      const key = core.text(name);
      if (providedPlugins.has(key)) return providedPlugins.get(key);
      if (!standIns.has(key)) standIns.set(key, standIn(key));
      return standIns.get(key);
    },
    writable: true,
    configurable: true,
    enumerable: false,
  });
  internals.builtin('wxrun').plugins = Object.freeze({
    provide(name, exports) {
      providedPlugins.set(core.text(name), exports);
    },
  });

  // __wxConfig: not documented, but the base library defines it and apps read its envVersion
  // and platform to pick servers (docs/device.md#plugins-and-__wxconfig).
  Object.defineProperty(globalThis, '__wxConfig', {
    get() {
      const info = wx.getAccountInfoSync().miniProgram;
      const value = { envVersion: info.envVersion, appid: info.appId, platform: native.systemInfo().platform };
      Object.defineProperty(globalThis, '__wxConfig', { value, writable: true, configurable: true, enumerable: false });
      return value;
    },
    set(value) {
      Object.defineProperty(globalThis, '__wxConfig', { value, writable: true, configurable: true, enumerable: false });
    },
    configurable: true,
    enumerable: false,
  });
  Object.defineProperty(wxrunModule, 'miniprogram', { get: () => core.layerExports('miniprogram').controls, enumerable: true });
  // The simulated device's controls (docs/device.md): scripted answers, recorded calls,
  // events; `ui` is their older name, with what is on screen as its state.
  Object.defineProperty(wxrunModule, 'device', { get: () => core.layerExports('simulated').controls, enumerable: true });
  Object.defineProperty(wxrunModule, 'ui', { get: () => core.layerExports('ui'), enumerable: true });
})
