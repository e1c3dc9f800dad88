// The host's JavaScript layer: console, timers, CommonJS modules and the `wxrun` built-in.
// It receives the native functions of the host and returns the internals object that Rust and
// the other embedded layers use; user code never sees `native` or the internals.
(function (native, inspectLib) {
  'use strict';
  const { inspect, formatArgs, formatError, userStack, setLocationFixer } = inspectLib;

  // ---------------------------------------------------------------- errors and warnings

  // Hooks other layers (the test runner) install to take over reporting, and `require`
  // (`require(specifier, from)` returning `{ exports }` to answer instead of the loader, as
  // module mocks do).
  const hooks = { uncaught: null, warning: null, console: null, require: null };

  function describeError(value) {
    return value instanceof Error ? formatError(value) : inspect(value, { depth: 4 });
  }

  // Stacks hold the engine's locations: in a module, line 1 starts after the wrapper, and a
  // compiled file (TypeScript, ES-module syntax) has its own lines. Shown, they name the file,
  // line and column the user wrote.
  function fixLocation(location) {
    const match = /^(.*):(\d+):(\d+)$/.exec(location);
    if (!match) return location;
    const fixed = native.userLocation(match[1], Number(match[2]), Number(match[3]));
    return fixed ? match[1] + ':' + fixed[0] + ':' + fixed[1] : location;
  }
  setLocationFixer((line) => line.replace(/([^\s()]+:\d+:\d+)(\)?)\s*$/, (all, location, paren) => fixLocation(location) + paren));

  // The first frame of user code on the current stack, as "file:line:col".
  function callSite() {
    return siteOf(new Error().stack);
  }

  // Remembers where an API was called, cheaply: a shallow stack, read only if a warning needs
  // it. Deep enough for this function, the API, the lazy-layer hop of a stand-in (the native
  // stand-in and callLazily) and the caller.
  function captureSite() {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 8;
    const error = new Error();
    Error.stackTraceLimit = limit;
    return error;
  }

  function siteOf(stack) {
    const lines = userStack(stack).split('\n');
    for (const line of lines) {
      const match = /\(([^()]+:\d+:\d+)\)\s*$/.exec(line) || /at (\S+:\d+:\d+)\s*$/.exec(line);
      if (match) return match[1];
    }
    return '<unknown>';
  }

  // The mini-program layer watches user errors for App.onError and App.onUnhandledRejection.
  // It is told of every one and never swallows one. With `keepRunning` (as a mini-program on a
  // phone does), an uncaught error is printed and counted but does not end the run.
  const errorWatch = { observer: null, keepRunning: false, busy: false };
  function tellObserver(error, origin, promise) {
    if (!errorWatch.observer || errorWatch.busy) return;
    errorWatch.busy = true;
    try {
      errorWatch.observer(error, origin, promise);
    } catch (thrown) {
      native.printError('Uncaught exception in an error handler of the app: ' + describeError(thrown));
    } finally {
      errorWatch.busy = false;
    }
  }

  // An exception nobody caught. Returns true when a hook took it over; otherwise the caller
  // (Rust) prints it and ends the run. A file that does not compile ends the run even in a
  // mini-program, as DevTools stops at it.
  function onUncaught(error, origin, promise) {
    tellObserver(error, origin, promise);
    if (hooks.uncaught && hooks.uncaught(error, origin) === true) return true;
    if (!errorWatch.keepRunning || isCompileError(error)) return false;
    native.printError((origin === 'unhandledRejection' ? 'Uncaught (in promise) ' : 'Uncaught ') + describeError(error));
    return true;
  }

  // An exception thrown by a user callback of an API: reported, counted, and the run goes on.
  function reportCallbackError(error, api) {
    tellObserver(error, 'callback');
    if (hooks.uncaught && hooks.uncaught(error, 'callback', api) === true) return;
    native.printError('Uncaught exception in a callback of ' + api + ': ' + describeError(error));
  }

  let warned = new Set();
  // A conformance warning: reported once per call site (and text).
  function warn(code, rawMessage, site) {
    const message = native.redact(String(rawMessage));
    const where = site instanceof Error ? siteOf(site.stack) : site || callSite();
    const key = code + '\u0000' + where + '\u0000' + message;
    if (warned.has(key)) return;
    warned.add(key);
    if (hooks.warning && hooks.warning({ code, message, site: where }) === true) return;
    native.printWarning(code, message, where);
  }

  // A new scope for "once per call site" (each test is a scenario of its own).
  function resetWarnings() {
    warned = new Set();
  }

  // ---------------------------------------------------------------- console

  let groupIndent = '';
  const counts = new Map();
  const timeLabels = new Map();

  function emit(stream, text) {
    const indented = groupIndent ? text.split('\n').map((l) => groupIndent + l).join('\n') : text;
    if (hooks.console && hooks.console(stream, indented) === true) return;
    native.write(stream === 'stderr' ? 2 : 1, indented + '\n');
  }

  const console = {
    log: (...args) => emit('stdout', formatArgs(args)),
    info: (...args) => emit('stdout', formatArgs(args)),
    debug: (...args) => emit('stdout', formatArgs(args)),
    warn: (...args) => emit('stderr', formatArgs(args)),
    error: (...args) => emit('stderr', formatArgs(args)),
    trace: (...args) => {
      const stack = userStack(new Error().stack);
      emit('stderr', 'Trace' + (args.length ? ': ' + formatArgs(args) : '') + (stack ? '\n' + stack : ''));
    },
    assert: (condition, ...args) => {
      if (!condition) emit('stderr', 'Assertion failed' + (args.length ? ': ' + formatArgs(args) : ''));
    },
    dir: (value, options) => emit('stdout', inspect(value, options)),
    table: (...args) => emit('stdout', formatArgs(args)),
    group: (...args) => {
      if (args.length) emit('stdout', formatArgs(args));
      groupIndent += '  ';
    },
    groupEnd: () => {
      groupIndent = groupIndent.slice(2);
    },
    count: (label = 'default') => {
      const n = (counts.get(label) || 0) + 1;
      counts.set(label, n);
      emit('stdout', label + ': ' + n);
    },
    countReset: (label = 'default') => counts.delete(label),
    time: (label = 'default') => timeLabels.set(label, performance.now()),
    timeLog: (label = 'default', ...args) => {
      const start = timeLabels.get(label);
      if (start !== undefined) emit('stdout', label + ': ' + (performance.now() - start).toFixed(3) + 'ms' + (args.length ? ' ' + formatArgs(args) : ''));
    },
    timeEnd: (label = 'default') => {
      const start = timeLabels.get(label);
      if (start === undefined) return;
      timeLabels.delete(label);
      emit('stdout', label + ': ' + (performance.now() - start).toFixed(3) + 'ms');
    },
  };
  console.groupCollapsed = console.group;

  // ---------------------------------------------------------------- timers

  const timers = new Map();
  let nextTimerId = 1;

  function checkCallback(callback) {
    if (typeof callback !== 'function') {
      throw new TypeError('The "callback" argument must be of type function. Received ' + inspect(callback));
    }
  }

  function delayOf(delay) {
    const ms = Number(delay);
    // As in Node: below 1 ms (or not a number) means 1 ms, so that equal delays keep their
    // call order.
    return ms >= 1 && ms <= 2147483647 ? Math.floor(ms) : 1;
  }

  function startTimer(callback, delay, args, repeat) {
    checkCallback(callback);
    const id = nextTimerId++;
    const ms = delayOf(delay);
    timers.set(id, { callback, args, repeat, ms });
    native.timerStart(id, ms);
    return id;
  }

  function clearTimer(id) {
    if (timers.delete(id)) native.timerClear(id);
  }

  function fireTimer(id) {
    const timer = timers.get(id);
    if (!timer) return;
    if (timer.repeat) native.timerStart(id, timer.ms);
    else timers.delete(id);
    timer.callback.apply(undefined, timer.args);
  }

  // ---------------------------------------------------------------- macrotasks

  // Functions queued from JavaScript to run later, each as its own macrotask, in order.
  const macrotasks = [];
  let macrotaskHead = 0;

  function queueMacrotask(fn) {
    macrotasks.push(fn);
    native.postMacrotask();
  }

  function runNextMacrotask() {
    const fn = macrotasks[macrotaskHead];
    macrotasks[macrotaskHead++] = undefined;
    if (macrotaskHead > 1024 && macrotaskHead * 2 > macrotasks.length) {
      macrotasks.splice(0, macrotaskHead);
      macrotaskHead = 0;
    }
    if (fn) fn();
  }

  // ---------------------------------------------------------------- modules

  const builtins = new Map();
  const moduleCache = new Map();
  // Every file compiled with the CommonJS wrapper, kept even when loading it failed.
  const commonJsFiles = new Set();
  // Modules whose code finished running, in order: named when a later file does not compile.
  const ranModules = [];

  function isCompileError(error) {
    return error instanceof SyntaxError && error.code === native.compileErrorCode;
  }

  // Adds to a compile error what had already run, once (the error passes every loader above
  // the file that failed).
  function noteWhatRan(error) {
    if (!isCompileError(error) || error.whatRan !== undefined) return;
    const shown = ranModules.slice(-10).map(shortPath);
    const more = ranModules.length - shown.length;
    Object.defineProperty(error, 'whatRan', { value: ranModules.length, enumerable: false });
    error.message += ranModules.length
      ? '\n(it stopped the run; ' + ranModules.length + ' module' + (ranModules.length === 1 ? '' : 's') + ' had run before it: ' + (more > 0 ? '..., ' : '') + shown.join(', ') + ')'
      : '\n(it stopped the run before any module ran)';
  }

  function shortPath(path) {
    const cwd = native.cwd;
    return cwd && path.startsWith(cwd + '/') ? path.slice(cwd.length + 1) : path;
  }

  function defineBuiltin(name, exports) {
    builtins.set(name, exports);
    native.defineBuiltin(name);
  }

  function builtin(name) {
    return builtins.get(name);
  }

  function dirname(path) {
    const index = path.lastIndexOf('/');
    return index <= 0 ? '/' : path.slice(0, index);
  }

  // `require` as the loader answers it, without hooks.
  function requireFrom(specifier, from, parent) {
    if (builtins.has(specifier)) return builtins.get(specifier);
    return loadCommonJs(native.resolve(specifier, from), parent || null);
  }

  function makeRequire(parent) {
    const from = parent ? parent.filename : null;
    function require(specifier, onLoaded, onFailed) {
      if (typeof specifier !== 'string') {
        throw new TypeError('require() expects a string, received ' + inspect(specifier));
      }
      // The callback form of the base library (for code in another subpackage): the module
      // arrives later, or the failure as { mod, errMsg }.
      if (typeof onLoaded === 'function' || typeof onFailed === 'function') {
        require.async(specifier).then(
          (loaded) => typeof onLoaded === 'function' && onLoaded(loaded),
          (error) => typeof onFailed === 'function' && onFailed({ mod: specifier, errMsg: String((error && error.message) || error) }),
        );
        return undefined;
      }
      if (hooks.require) {
        const answer = hooks.require(specifier, from);
        if (answer) return answer.exports;
      }
      return requireFrom(specifier, from, parent);
    }
    require.resolve = (specifier) => (builtins.has(specifier) ? specifier : native.resolve(String(specifier), from));
    require.cache = moduleCache;
    // Base library 2.11.2: a module (often of a subpackage) as a Promise.
    require.async = (specifier) => Promise.resolve().then(() => require(specifier));
    return require;
  }

  function loadCommonJs(path, parent) {
    const cached = moduleCache.get(path);
    if (cached) return cached.exports;
    if (path.endsWith('.mjs')) {
      const err = new Error('require() of ES module ' + path + (parent ? ' from ' + parent.filename : '') + ' is not supported; use import instead');
      err.code = 'ERR_REQUIRE_ESM';
      throw err;
    }
    const module = { id: path, filename: path, exports: {}, loaded: false, parent: parent || null, children: [] };
    if (parent) parent.children.push(module);
    moduleCache.set(path, module);
    try {
      if (path.endsWith('.json')) {
        const text = native.readText(path);
        try {
          module.exports = JSON.parse(text);
        } catch (e) {
          throw new SyntaxError(path + ': ' + e.message);
        }
      } else {
        commonJsFiles.add(path);
        const wrapper = native.compileCommonJs(path);
        module.require = makeRequire(module);
        // `global` is the app's global object; the browser names after it stay undefined.
        wrapper.call(module.exports, module.exports, module.require, module, path, dirname(path), globalThis);
      }
    } catch (e) {
      moduleCache.delete(path);
      noteWhatRan(e);
      throw e;
    }
    module.loaded = true;
    if (!path.endsWith('.json')) ranModules.push(path);
    return module.exports;
  }

  // Forgets every loaded module, so that the next require runs it again (jest.resetModules);
  // returns the old registry for restoreModules.
  function resetModules() {
    const saved = new Map(moduleCache);
    moduleCache.clear();
    return saved;
  }

  function restoreModules(saved) {
    moduleCache.clear();
    for (const [key, value] of saved) moduleCache.set(key, value);
  }

  // Every file this run loaded as a module, for `wxrun test --watch`.
  function loadedModules() {
    return Array.from(new Set(Array.from(moduleCache.keys()).concat(Array.from(commonJsFiles), native.esModules())));
  }

  function runMain(path) {
    return loadCommonJs(path, null);
  }

  // Settles when the entry script has loaded: at once for CommonJS, after the evaluation
  // (top-level await included) of an ES module.
  let mainPromise = null;
  function setMainPromise(promise) {
    mainPromise = promise;
  }
  function mainLoaded() {
    return mainPromise ? mainPromise.then(() => undefined, () => undefined) : Promise.resolve();
  }

  // ES modules importing CommonJS files and built-ins reach them through this bridge.
  Object.defineProperty(globalThis, Symbol.for('wxrun.esm'), {
    value: Object.freeze({ requireCommonJs: (path) => loadCommonJs(path, null), builtin }),
  });

  // ---------------------------------------------------------------- coverage

  // Counters of the files the compile step instrumented (`wxrun test --coverage`), made from
  // the map it wrote into each file's first line, reported in istanbul's format.
  const coverage = new Map();

  function registerCoverage(file, map) {
    let entry = coverage.get(file);
    if (!entry) {
      const counters = {
        s: new Array(map.s.length / 4).fill(0),
        f: new Array(map.f.length).fill(0),
        b: map.b.map((branch) => new Array(branch[5].length / 4).fill(0)),
      };
      entry = { map, counters };
      coverage.set(file, entry);
    }
    return entry.counters;
  }

  function coverageReport() {
    const range = (a, i) => ({ start: { line: a[i], column: a[i + 1] }, end: { line: a[i + 2], column: a[i + 3] } });
    const report = {};
    for (const [file, { map, counters }] of coverage) {
      const data = { path: file, statementMap: {}, fnMap: {}, branchMap: {}, s: {}, f: {}, b: {} };
      counters.s.forEach((count, i) => {
        data.statementMap[i] = range(map.s, i * 4);
        data.s[i] = count;
      });
      counters.f.forEach((count, i) => {
        const f = map.f[i];
        data.fnMap[i] = { name: f[0], decl: range(f, 1), loc: range(f, 5), line: f[1] };
        data.f[i] = count;
      });
      counters.b.forEach((counts, i) => {
        const b = map.b[i];
        const locations = [];
        for (let k = 0; k < b[5].length; k += 4) locations.push(range(b[5], k));
        data.branchMap[i] = { type: b[0], loc: range(b, 1), locations, line: b[1] };
        data.b[i] = counts.slice();
      });
      report[file] = data;
    }
    return JSON.stringify(report);
  }

  // ---------------------------------------------------------------- globals

  const define = (name, value) => Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
  define('console', console);
  define('global', globalThis);
  define('setTimeout', (callback, delay, ...args) => startTimer(callback, delay, args, false));
  define('setInterval', (callback, delay, ...args) => startTimer(callback, delay, args, true));
  define('clearTimeout', clearTimer);
  define('clearInterval', clearTimer);
  if (native.coverage) define('__wxrun$coverage', registerCoverage);

  defineBuiltin('wxrun', {
    args: native.args.slice(),
    env: Object.freeze(Object.assign({}, native.env)),
    inspect,
    format: (...args) => formatArgs(args),
    exit(code) {
      native.exit(code === undefined ? 0 : code);
    },
  });
  // For layers: end the run as if nothing were pending (errors reported still count).
  const finish = () => native.finish();

  return {
    hooks,
    inspect,
    formatArgs,
    formatError,
    describeError,
    userStack,
    callSite,
    captureSite,
    onUncaught,
    reportCallbackError,
    // Prints an error the run counts (exit code 1) that no JavaScript value stands for.
    printError: (text) => native.printError(String(text)),
    errorWatch,
    warn,
    // A deadline for JavaScript that never yields (a test's timeout): passing it interrupts
    // what runs then, once; `callInterruptible(fn)` turns that into a catchable Error with
    // `sliceTimeout: true`. A negative time clears it.
    setSliceDeadline: (ms) => native.setSliceDeadline(ms),
    callInterruptible: (fn) => native.callInterruptible(fn),
    // The run's redaction of credentials, for every text wxrun prints (docs/recording.md).
    redact: (text) => native.redact(String(text)),
    resetWarnings,
    fireTimer,
    queueMacrotask,
    runNextMacrotask,
    defineBuiltin,
    builtin,
    runMain,
    loadModule: (path) => loadCommonJs(path, null),
    requireFrom,
    resolveFrom: (specifier, from) => (builtins.has(specifier) ? specifier : native.resolve(String(specifier), from || null)),
    resetModules,
    restoreModules,
    coverageReport,
    // Clocks that keep deadlines outside JavaScript (wx's network timeouts): other layers
    // add `{ useVirtual(on), advance(ms), nextDeadline() }` here, and fake timers drive them.
    clocks: [],
    setMainPromise,
    loadedModules,
    mainLoaded,
    finish,
    emit,
  };
})
