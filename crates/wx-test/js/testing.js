// The test API of `wxrun test`: describe/test/it with skip, only, todo and each; the four
// hooks; per-test timeouts; Jest's `jest` object (loaded on first use); and the run of one
// file, reported to the parent as events.
(function (internals, native, expectLib) {
  'use strict';
  const { inspect } = internals;
  const options = native.options;
  let defaultTimeout = options.testTimeout;

  // The runner's own timers and clock: fake timers replace the globals, never these.
  const realTimers = {
    setTimeout,
    clearTimeout,
    setInterval,
    clearInterval,
    Date,
    now: performance.now.bind(performance),
  };
  const { setTimeout: realSetTimeout, clearTimeout: realClearTimeout } = realTimers;

  // Embedded layers loaded on first use (pretty-printing, mocks, fake timers, snapshots).
  const layers = new Map();
  function load(name) {
    if (!layers.has(name)) layers.set(name, native.layer(name));
    return layers.get(name);
  }

  const state = {
    expectSite: null,
    assertionCalls: 0,
    expectedAssertions: null,
    current: null,
    currentTestName: undefined,
    snapshots: () => snapshots(),
  };
  const expectApi = expectLib(internals, state, (name) => {
    if (name === 'pretty') {
      if (!layers.has('pretty')) layers.set('pretty', native.layer('pretty')());
      return layers.get('pretty');
    }
    return load(name);
  });
  const { expect, AssertionError } = expectApi;
  const pretty = () => {
    if (!layers.has('pretty')) layers.set('pretty', native.layer('pretty')());
    return layers.get('pretty');
  };

  // ---------------------------------------------------------------- jest, snapshots

  let jestObject = null;
  let timers = null;
  function fakeTimers() {
    if (!timers) timers = load('timers')(realTimers, internals.clocks);
    return timers;
  }
  function jest() {
    if (!jestObject) {
      jestObject = load('mock')(internals, {
        equals: expectApi.equals,
        fakeTimers,
        setTestTimeout: (ms) => {
          defaultTimeout = ms;
        },
        // Packages' manual mocks live in the root's `__mocks__`, when there is one.
        rootDir: options.rootMocks ? options.rootDir : null,
      });
    }
    return jestObject;
  }

  let snapshotState = null;
  function snapshots() {
    if (!snapshotState) {
      snapshotState = load('snapshot')(internals, native, {
        pretty: pretty(),
        expect: expectApi,
        state,
        file: native.file,
        update: options.snapshotUpdate,
        ci: options.ci,
      });
    }
    return snapshotState;
  }

  // moduleNameMapper (Jest configuration): [regex, [replacement, ...]] tried in order.
  const mappers = (options.moduleNameMapper || []).map(([pattern, targets]) => [new RegExp(pattern), targets]);
  function mapName(specifier, from) {
    for (const [regex, targets] of mappers) {
      const match = regex.exec(specifier);
      if (!match) continue;
      for (const target of targets) {
        const mapped = target.replace(/\$(\d+)/g, (all, n) => match[Number(n)] || '');
        try {
          internals.resolveFrom(mapped, from);
          return mapped;
        } catch (error) {
          // Try the next replacement.
        }
      }
      throw new Error('Could not locate module ' + specifier + ' mapped as:\n' + targets.join(', ') + '.\n\nPlease check your configuration for these entries:\n{\n  "moduleNameMapper": {\n    "' + regex.source + '": "' + targets.join('", "') + '"\n  },\n}');
    }
    return specifier;
  }
  // Module mocks (the mock layer, once loaded) and moduleNameMapper answer `require` first.
  if (mappers.length || options.rootMocks) {
    internals.hooks.require = (specifier, from) => jest().requireHook(mapName(specifier, from), from, specifier);
  }

  function newBlock(name, parent, mode) {
    return { kind: 'describe', name, parent, mode, children: [], beforeAll: [], afterAll: [], beforeEach: [], afterEach: [] };
  }
  const root = newBlock('', null, 'normal');
  let currentBlock = root;
  let collecting = true;
  let hasOnly = false;
  let nextId = 1;

  function site() {
    return internals.callSite();
  }

  function checkName(kind, name) {
    if (typeof name !== 'string' && typeof name !== 'number') {
      throw new TypeError(kind + '() needs a name (a string) as its first argument, received ' + inspect(name));
    }
    return String(name);
  }

  function addDescribe(name, fn, mode) {
    if (!collecting) throw new Error('describe() cannot be called while tests run; call it at the top level of the file');
    if (typeof fn !== 'function') throw new TypeError('describe("' + name + '") needs a function');
    const block = newBlock(checkName('describe', name), currentBlock, mode);
    if (mode === 'only') hasOnly = true;
    currentBlock.children.push(block);
    const saved = currentBlock;
    currentBlock = block;
    try {
      const result = fn();
      if (result && typeof result.then === 'function') {
        throw new Error('describe("' + name + '") returned a Promise; register tests synchronously and put async work in the tests or hooks');
      }
    } finally {
      currentBlock = saved;
    }
  }

  function addTest(name, fn, timeout, mode) {
    if (!collecting) throw new Error('test() cannot be called inside another test; call it at the top level or inside describe()');
    name = checkName('test', name);
    if (mode !== 'todo' && typeof fn !== 'function') throw new TypeError('test("' + name + '") needs a function; use test.todo("' + name + '") for a placeholder');
    if (mode === 'only') hasOnly = true;
    currentBlock.children.push({ kind: 'test', id: nextId++, name, fn, timeout: typeof timeout === 'number' ? timeout : null, mode, parent: currentBlock, location: site() });
  }

  // test.each([[a, b], ...])('name %s %s', fn) and the table form with objects.
  function eachOf(register) {
    return (table) => (name, fn, timeout) => {
      const rows = Array.from(table);
      rows.forEach((row, index) => {
        const args = Array.isArray(row) ? row : [row];
        let title = String(name);
        let used = 0;
        title = title.replace(/%([sdifjop#%])/g, (all, spec) => {
          if (spec === '%') return '%';
          if (spec === '#') return String(index);
          const value = args[used++];
          if (spec === 'd' || spec === 'i') return String(spec === 'i' ? Math.trunc(Number(value)) : Number(value));
          if (spec === 'f') return String(Number(value));
          if (spec === 'j') return JSON.stringify(value);
          if (spec === 's') return typeof value === 'string' ? value : inspect(value);
          return inspect(value);
        });
        if (!Array.isArray(row) && row && typeof row === 'object') {
          title = title.replace(/\$([A-Za-z_][\w.]*)/g, (all, key) => {
            const value = key.split('.').reduce((o, k) => (o == null ? o : o[k]), row);
            return typeof value === 'string' ? value : inspect(value);
          });
        }
        register(title, typeof fn === 'function' ? () => fn(...args) : fn, timeout);
      });
    };
  }

  function describe(name, fn) {
    addDescribe(name, fn, 'normal');
  }
  describe.skip = (name, fn) => addDescribe(name, fn, 'skip');
  describe.only = (name, fn) => addDescribe(name, fn, 'only');
  describe.each = eachOf((name, fn) => describe(name, fn));

  function test(name, fn, timeout) {
    addTest(name, fn, timeout, 'normal');
  }
  test.skip = (name, fn, timeout) => addTest(name, fn, timeout, 'skip');
  test.only = (name, fn, timeout) => addTest(name, fn, timeout, 'only');
  test.todo = (name) => addTest(name, undefined, undefined, 'todo');
  test.each = eachOf((name, fn, timeout) => test(name, fn, timeout));
  test.skip.each = eachOf((name, fn, timeout) => test.skip(name, fn, timeout));
  test.only.each = eachOf((name, fn, timeout) => test.only(name, fn, timeout));

  const hook = (kind) => (fn, timeout) => {
    if (typeof fn !== 'function') throw new TypeError(kind + '() needs a function');
    currentBlock[kind].push({ fn, timeout: typeof timeout === 'number' ? timeout : null, location: site() });
  };
  const beforeAll = hook('beforeAll');
  const afterAll = hook('afterAll');
  const beforeEach = hook('beforeEach');
  const afterEach = hook('afterEach');

  // ---------------------------------------------------------------- running

  function fullName(node) {
    const names = [];
    for (let n = node; n && n.parent; n = n.parent) names.unshift(n.name);
    return names;
  }

  function filterMatches(names) {
    if (!options.filter) return true;
    const text = names.join(' > ');
    const regex = /^\/(.*)\/([a-z]*)$/.exec(options.filter);
    if (regex) {
      try {
        return new RegExp(regex[1], regex[2]).test(text);
      } catch (e) {
        return text.includes(options.filter);
      }
    }
    return text.includes(options.filter);
  }

  function inOnly(node) {
    for (let n = node; n; n = n.parent) if (n.mode === 'only') return true;
    return false;
  }

  function isSkipped(node) {
    for (let n = node; n; n = n.parent) if (n.mode === 'skip') return true;
    return false;
  }

  // The deterministic shuffle of --shuffle=SEED (a small PRNG, mulberry32).
  function shuffled(items, seedText) {
    let seed = 0;
    for (const c of String(seedText)) seed = (Math.imul(seed, 31) + c.charCodeAt(0)) | 0;
    const random = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  }

  function errorRecord(error) {
    if (error instanceof AssertionError) {
      return Object.assign({ message: error.message, kind: 'assertion', stack: internals.userStack(error.stack) }, error.details);
    }
    // An assertion's values are the test's own; other errors may carry what the code under
    // test handled, so they are redacted like all of wxrun's error output.
    if (error instanceof Error) {
      return { message: internals.redact(String(error.name || 'Error') + ': ' + error.message), kind: 'error', stack: internals.redact(internals.userStack(error.stack)), location: firstLocation(error.stack) };
    }
    return { message: internals.redact('thrown: ' + inspect(error)), kind: 'thrown' };
  }

  function firstLocation(stack) {
    const match = /\(([^()]+:\d+:\d+)\)/.exec(internals.userStack(stack)) || /at (\S+:\d+:\d+)/.exec(internals.userStack(stack));
    return match ? match[1] : undefined;
  }

  // JavaScript that never yields (`while (true) {}`) is interrupted this long after its
  // timeout: a test that merely waits is reported by the timer first.
  const INTERRUPT_GRACE_MS = 100;

  // Runs fn (sync or async) with a timeout; resolves to an error record or null.
  function runWithTimeout(fn, timeout, what) {
    return new Promise((resolve) => {
      let done = false;
      const timedOut = () => ({ message: what + ' timed out after ' + timeout + ' ms (pass a timeout as the last argument, or --test-timeout, to allow longer)', kind: 'timeout' });
      const finish = (error) => {
        if (done) return;
        done = true;
        internals.setSliceDeadline(-1);
        realClearTimeout(timer);
        resolve(error);
      };
      const failed = (error) => finish(error && error.sliceTimeout === true ? timedOut() : errorRecord(error));
      const timer = realSetTimeout(() => finish(timedOut()), timeout);
      internals.setSliceDeadline(timeout + INTERRUPT_GRACE_MS);
      try {
        const result = fn.length > 0 ? new Promise((ok, bad) => internals.callInterruptible(() => fn((err) => (err ? bad(err) : ok())))) : internals.callInterruptible(fn);
        if (result && typeof result.then === 'function') {
          result.then(() => finish(null), failed);
        } else {
          finish(null);
        }
      } catch (error) {
        failed(error);
      }
    });
  }

  let current = null;
  const fileRecord = { errors: [], warnings: [], output: [] };

  function emit(event) {
    native.event(JSON.stringify(event));
  }

  // Uncaught errors, callback exceptions, warnings and console output belong to the running
  // test, else to the file.
  internals.hooks.uncaught = (error, origin, api) => {
    const record = errorRecord(error);
    record.origin = origin === 'callback' ? 'exception in a callback of ' + api : origin === 'unhandledRejection' ? 'unhandled rejection' : 'uncaught exception';
    (current ? current.errors : fileRecord.errors).push(record);
    return true;
  };
  internals.hooks.warning = (warning) => {
    (current || fileRecord).warnings.push(warning);
    return true;
  };

  // Under --strict, the warnings left when a test (or the file) ends are errors.
  function strictErrors(warnings) {
    if (!options.strict) return [];
    return warnings.map((w) => ({ message: 'conformance warning under --strict: [' + w.code + '] ' + w.message, kind: 'strict', location: w.site }));
  }

  // Lets a test assert on the conformance warnings it caused; taken warnings are not reported.
  function takeWarnings() {
    const target = current || fileRecord;
    return target.warnings.splice(0);
  }
  internals.hooks.console = (stream, text) => {
    (current || fileRecord).output.push({ stream, text });
    return true;
  };

  async function runHooks(list, what) {
    for (const h of list) {
      const error = await runWithTimeout(h.fn, h.timeout || defaultTimeout, what);
      if (error) return error;
    }
    return null;
  }

  function eachHooks(block, kind) {
    const chain = [];
    for (let b = block; b; b = b.parent) chain.push(b[kind]);
    return kind === 'beforeEach' ? chain.reverse().flat() : chain.flat();
  }

  function selected(node) {
    return filterMatches(fullName(node)) && (!hasOnly || inOnly(node));
  }

  function hasRunnable(block) {
    return block.children.some((c) => (c.kind === 'test' ? selected(c) && c.mode !== 'todo' && !isSkipped(c) : hasRunnable(c)));
  }

  let failures = 0;
  // The name snapshots are kept under: the describe blocks and the test, joined by spaces.
  function snapshotName(t) {
    return fullName(t).join(' ');
  }

  // Snapshots of tests that did not run or failed are not obsolete.
  const keptSnapshots = [];

  async function runTest(t, inherited) {
    const names = fullName(t);
    if (!selected(t)) {
      keptSnapshots.push(snapshotName(t));
      return;
    }
    const base = { type: 'test', id: t.id, name: t.name, path: names.slice(0, -1), location: t.location };
    if (t.mode === 'todo' || isSkipped(t) || inherited) {
      keptSnapshots.push(snapshotName(t));
      emit(Object.assign(base, { status: t.mode === 'todo' ? 'todo' : 'skipped', duration: 0, errors: inherited ? [inherited] : [], warnings: [], output: [] }));
      if (inherited) failures++;
      return;
    }
    if (options.bail && failures >= options.bail) {
      keptSnapshots.push(snapshotName(t));
      emit(Object.assign(base, { status: 'skipped', reason: 'bail', duration: 0, errors: [], warnings: [], output: [] }));
      return;
    }
    current = { errors: [], warnings: [], output: [] };
    internals.resetWarnings();
    state.assertionCalls = 0;
    state.expectedAssertions = null;
    state.currentTestName = snapshotName(t);
    // Jest's clearMocks, resetMocks and restoreMocks configuration, before each test.
    if (jestObject) {
      if (options.restoreMocks) jestObject.restoreAllMocks();
      if (options.resetMocks) jestObject.resetAllMocks();
      else if (options.clearMocks) jestObject.clearAllMocks();
    }
    const started = realTimers.now();
    const mockMark = internals.mockMark ? internals.mockMark() : 0;
    let error = await runHooks(eachHooks(t.parent, 'beforeEach'), 'beforeEach hook');
    if (!error) error = await runWithTimeout(t.fn, t.timeout || defaultTimeout, 'test');
    const afterError = await runHooks(eachHooks(t.parent, 'afterEach'), 'afterEach hook');
    if (!error) error = afterError;
    // Mock rules a test added do not leak into the next one.
    if (internals.mockRemoveAfter) internals.mockRemoveAfter(mockMark);
    // Give callbacks already due (a rejection, a late exception) their chance to be counted.
    await new Promise((resolve) => realSetTimeout(resolve, 0));
    if (!error && state.expectedAssertions !== null) {
      const n = state.expectedAssertions;
      if ((n === -1 && state.assertionCalls === 0) || (n >= 0 && state.assertionCalls !== n)) {
        error = { message: n === -1 ? 'expected at least one assertion to be called, but none was' : 'expected ' + n + ' assertion' + (n === 1 ? '' : 's') + ' to be called, but ' + state.assertionCalls + ' were', kind: 'assertion', location: t.location };
      }
    }
    const record = current;
    current = null;
    state.currentTestName = undefined;
    const errors = (error ? [error] : []).concat(record.errors, strictErrors(record.warnings));
    if (errors.length) {
      failures++;
      keptSnapshots.push(snapshotName(t));
    }
    emit(Object.assign(base, { status: errors.length ? 'failed' : 'passed', duration: Math.round((realTimers.now() - started) * 1000) / 1000, errors, warnings: record.warnings, output: record.output }));
  }

  async function runBlock(block, inherited) {
    if (!hasRunnable(block) && !inherited) {
      for (const child of block.children) {
        if (child.kind === 'test') await runTest(child, null);
        else await runBlock(child, null);
      }
      return;
    }
    let setupError = inherited;
    if (!setupError) setupError = await runHooks(block.beforeAll, 'beforeAll hook');
    const children = options.shuffle ? shuffled(block.children, options.shuffle + ':' + fullName(block).join('>')) : block.children;
    for (const child of children) {
      if (child.kind === 'test') await runTest(child, setupError);
      else await runBlock(child, setupError);
    }
    if (!inherited) {
      const error = await runHooks(block.afterAll, 'afterAll hook');
      if (error) fileRecord.errors.push(Object.assign(error, { origin: 'afterAll hook' }));
    }
  }

  function listTests(block, out) {
    for (const child of block.children) {
      if (child.kind === 'test') {
        if (selected(child)) out.push({ name: child.name, path: fullName(child).slice(0, -1), mode: isSkipped(child) ? 'skip' : child.mode, location: child.location });
      } else listTests(child, out);
    }
    return out;
  }

  async function run() {
    collecting = false;
    let snapshot;
    if (options.list) {
      emit({ type: 'list', tests: listTests(root, []) });
    } else {
      await runBlock(root, null);
      if (timers) timers.useRealTimers();
      // A file with a snapshot file is checked for obsolete snapshots even when no test
      // called a snapshot matcher.
      if (snapshotState || native.snapshotFileExists()) {
        try {
          snapshot = snapshots().finish(keptSnapshots);
        } catch (error) {
          fileRecord.errors.push(errorRecord(error));
        }
      }
    }
    fileRecord.errors.push(...strictErrors(fileRecord.warnings));
    emit({ type: 'file', errors: fileRecord.errors, warnings: fileRecord.warnings, output: fileRecord.output, modules: internals.loadedModules(), snapshot });
  }

  // Setup of the file before its setup files and tests: Jest's `globals` and
  // `fakeTimers.enableGlobally`.
  function prepare() {
    if (options.globals) Object.assign(globalThis, options.globals);
    if (options.fakeTimers) jest().useFakeTimers();
  }

  const api = { describe, test, it: test, expect, beforeAll, afterAll, beforeEach, afterEach };
  for (const [name, value] of Object.entries(api)) {
    Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
  }
  // `jest`, as a global and an export: made on first use.
  const lazyJest = { get: () => jest(), configurable: true, enumerable: true };
  Object.defineProperty(globalThis, 'jest', { get: () => jest(), set: (value) => Object.defineProperty(globalThis, 'jest', { value, writable: true, configurable: true }), configurable: true, enumerable: false });
  const wxrunExports = internals.builtin('wxrun');
  Object.assign(wxrunExports, api, { takeWarnings });
  Object.defineProperty(wxrunExports, 'jest', lazyJest);
  // Jest suites import the API from @jest/globals.
  const globalsModule = Object.assign({}, api);
  Object.defineProperty(globalsModule, 'jest', lazyJest);
  internals.defineBuiltin('@jest/globals', globalsModule);
  return { run, prepare, fileRecord };
})
