// The calling conventions every `wx` API shares (spec section 0), written once: result objects
// and errMsg forms, parameter type errors, success/fail/complete with the same object, delivery
// as macrotasks, Promise style, listener registries, and assembling `wx` with version gating.
(function (native, internals) {
  'use strict';
  const errnoEnabled = native.errnoEnabled;

  // Object.prototype.toString names, as the platform's parameter errors use them.
  function typeName(value) {
    if (value === null) return 'Null';
    if (value === undefined) return 'Undefined';
    if (typeof value === 'function') return 'Function';
    return Object.prototype.toString.call(value).slice(8, -1);
  }

  // A value as text, as String() gives it; a value String() cannot convert (a symbol, or an
  // array holding one) gives its type's name instead of throwing.
  function text(value) {
    try {
      return String(value);
    } catch (error) {
      return Object.prototype.toString.call(value);
    }
  }

  // A String object as its text; anything else as it is. Options that must be strings take
  // String objects too, as a phone's bridge (which sends options as JSON) does.
  function unboxed(value) {
    return value instanceof String ? value.valueOf() : value;
  }

  // Strings cross into Rust as the platform's bridge passes them (a lone surrogate as U+FFFD, a
  // String object as its text): wx-bridge's Text does that on the Rust side, at no cost here.

  function isPlainObject(value) {
    if (value === null || typeof value !== 'object') return false;
    const proto = Object.getPrototypeOf(value);
    return proto === Object.prototype || proto === null;
  }

  function okResult(api, fields) {
    const result = Object.assign({}, fields);
    result.errMsg = api + ':ok';
    return result;
  }

  // A reason starting with ':' follows "fail" without the space (`openBluetoothAdapter:fail:not
  // available`), as some families word their failures.
  function failResult(api, reason, errno, fields) {
    const result = Object.assign({}, fields);
    const text = String(reason);
    const joined = text.charAt(0) === ':' ? text : ' ' + text;
    result.errMsg = api + ':fail' + joined;
    if (errnoEnabled && typeof errno === 'number') result.errno = errno;
    return result;
  }

  // The fail result of the catalogue entry `key` (wx-policy's catalogue.rs, where every
  // failure text, errno and errCode is written), with its details filled in.
  function fail(api, key, ...details) {
    const [reason, errno, errCode] = native.failure(key, details.map(text));
    const result = failResult(api, reason, errno === null ? undefined : errno);
    if (typeof errCode === 'number') result.errCode = errCode;
    return result;
  }

  // `undefined` when the value has one of the expected types, else the fail result.
  function checkParam(api, field, value, expected) {
    const found = typeName(value);
    if (expected.includes(found)) return undefined;
    return fail(api, 'parameterType', field, expected.join(' or '), found);
  }

  // Calls a user callback; an exception is reported and does not stop what follows.
  function invoke(api, fn, arg) {
    if (typeof fn !== 'function') return;
    try {
      fn(arg);
    } catch (error) {
      internals.reportCallbackError(error, 'wx.' + api);
    }
  }

  function isPromiseStyle(options) {
    return !options || (typeof options.success !== 'function' && typeof options.fail !== 'function' && typeof options.complete !== 'function');
  }

  // Runs success or fail, then complete, with the same object, now.
  function settleNow(api, options, ok, result) {
    const opts = options || {};
    invoke(api, ok ? opts.success : opts.fail, result);
    invoke(api, opts.complete, result);
  }

  function later(fn) {
    internals.queueMacrotask(fn);
  }

  // The usual shape of an asynchronous API: `run(settle)` does the work and calls
  // `settle(ok, result)` once; callbacks arrive as a macrotask. With `promise: true` and no
  // callback given, a Promise is returned that resolves with the success result and rejects
  // with the plain fail object.
  function asyncCall(api, options, run, { promise = false } = {}) {
    let deferred = null;
    let returned;
    if (promise && isPromiseStyle(options)) {
      returned = new Promise((resolve, reject) => {
        deferred = { resolve, reject };
      });
    }
    let settled = false;
    const settle = (ok, result) => {
      if (settled) return;
      settled = true;
      later(() => {
        if (deferred) (ok ? deferred.resolve : deferred.reject)(result);
        else settleNow(api, options, ok, result);
      });
    };
    run(settle);
    return returned;
  }

  // A synchronous validation failure: fail then complete, now, and the call returns undefined.
  function failNow(api, options, result) {
    settleNow(api, options, false, result);
    return undefined;
  }

  // on/off pairs (app events, mDNS, UDPSocket): `on(fn)` adds, even twice; `off(fn)` removes
  // every registration of fn; `off()` removes all.
  class ListenerList {
    constructor(onName) {
      this.onName = onName;
      this.listeners = [];
    }
    on(fn) {
      if (typeof fn !== 'function') {
        console.warn(this.onName + ' should accept a function instead of ' + typeof fn);
        return;
      }
      this.listeners.push(fn);
    }
    off(fn) {
      if (fn === undefined) this.listeners = [];
      else this.listeners = this.listeners.filter((known) => known !== fn);
    }
    get size() {
      return this.listeners.length;
    }
    // Listeners added during an emit wait for the next one: on() appends past `count`, and
    // off() replaces the array, so this loop walks a snapshot without copying it.
    emit(payload) {
      const listeners = this.listeners;
      const count = listeners.length;
      for (let i = 0; i < count; i++) invoke(this.onName, listeners[i], payload);
    }
  }

  // Task listeners (RequestTask, UploadTask, DownloadTask): a set, so the same function is kept
  // once; `off()` clears.
  class ListenerSet {
    constructor(onName) {
      this.onName = onName;
      this.listeners = new Set();
    }
    on(fn) {
      if (typeof fn === 'function') this.listeners.add(fn);
    }
    off(fn) {
      if (fn === undefined) this.listeners.clear();
      else this.listeners.delete(fn);
    }
    get size() {
      return this.listeners.size;
    }
    emit(payload) {
      for (const fn of Array.from(this.listeners)) invoke(this.onName, fn, payload);
    }
  }

  // Tasks in flight (requests, transfers, sockets): the Rust side posts their events, which
  // reach the task's handler as (type, a, b, c, d), one macrotask each.
  const taskHandlers = new Map();
  let nextTaskId = 1;
  function newTaskId() {
    return nextTaskId++;
  }
  // Requests, uploads and downloads among them: what keeps an app busy.
  const transfers = new Set();
  function setTaskHandler(id, handler, { transfer = false } = {}) {
    taskHandlers.set(id, handler);
    if (transfer) transfers.add(id);
  }
  function forgetTask(id) {
    taskHandlers.delete(id);
    transfers.delete(id);
  }
  // Requests, transfers and sockets still open.
  function tasksInFlight() {
    return taskHandlers.size;
  }
  // Requests, uploads and downloads in flight.
  function transfersInFlight() {
    return transfers.size;
  }
  internals.wxDispatch = (id, type, a, b, c, d) => {
    const handler = taskHandlers.get(id);
    if (handler) handler(type, a, b, c, d);
  };

  // The members of `wx`, registered by each API family. `wx` itself is built in Rust
  // (assembly.rs) from the members available at the configured base library: the base
  // family's as defined here and in base.js, and for each lazy family stand-ins that load its
  // layer on first call, so that start-up does not pay for what a script never uses.
  const members = new Map();
  let wx = null;

  function put(name, value) {
    Object.defineProperty(wx, name, { value, writable: true, enumerable: true, configurable: true });
  }

  // --api-coverage: each wx function reports its first call. Off by default, so that
  // ordinary runs call the functions themselves.
  const touched = new Set();
  function covered(name, fn) {
    const wrapped = function (...args) {
      if (!touched.has(name)) {
        touched.add(name);
        native.touch(name);
      }
      return new.target ? Reflect.construct(fn, args) : fn.apply(this, args);
    };
    Object.defineProperty(wrapped, 'name', { value: fn.name });
    Object.defineProperty(wrapped, 'length', { value: fn.length });
    return wrapped;
  }

  // The value `wx` shows for a member.
  function shown(name, value) {
    return native.coverageOn && typeof value === 'function' ? covered(name, value) : value;
  }

  // The stand-ins `wx` was built with, by name (set by Rust): a layer replaces a stand-in
  // with its member, never a value the script put there itself.
  let standIns = {};

  function define(name, value) {
    members.set(name, value);
    const standIn = standIns[name];
    if (!wx || standIn === undefined) return;
    if (wx[name] === standIn) put(name, shown(name, value));
    standIns[name] = undefined;
  }

  const loaded = new Set();
  const exported = new Map();
  function loadLayer(layer) {
    if (loaded.has(layer)) return;
    loaded.add(layer);
    // A layer may come in parts that share one object; the last part's value is its exports.
    const shared = {};
    let exports;
    for (const part of native.compileLayer(layer)) exports = part(core, shared);
    exported.set(layer, exports);
  }

  // A stand-in was called: its layer loads and the real member runs. A layer that answers
  // members generically (the simulated device) defines each one when it is first called.
  function callLazily(name, layer, self, args) {
    loadLayer(layer);
    if (!members.has(name)) {
      const exports = exported.get(layer);
      if (exports && typeof exports.provide === 'function') exports.provide(name);
    }
    const real = members.get(name);
    if (typeof real !== 'function') throw new Error('wx-api: layer ' + layer + ' did not define ' + name);
    return real.apply(self, args);
  }
  Object.defineProperty(globalThis, Symbol.for('wxrun.callLazily'), { value: callLazily });

  // Called by Rust with the object it built, its stand-ins, and the [member, layer] pairs of
  // members that are objects (`wx.cloud`): those load their layer when first read.
  function adopt(built, builtStandIns, lazyObjects) {
    wx = built;
    standIns = builtStandIns;
    for (const [name, layer] of lazyObjects) {
      Object.defineProperty(wx, name, {
        get() {
          loadLayer(layer);
          const value = members.get(name);
          put(name, value);
          return value;
        },
        set(value) {
          put(name, value);
        },
        enumerable: true,
        configurable: true,
      });
    }
    Object.defineProperty(globalThis, 'wx', { value: wx, writable: true, configurable: true, enumerable: false });
    return wx;
  }

  // --trace: lifecycle calls, setData, navigation, UI calls and network switches, printed to
  // stderr as they happen, with the time since start.
  const startedAt = Date.now();
  const tracing = { on: native.trace === true };
  function trace(kind, text) {
    if (!tracing.on) return;
    const elapsed = String(Date.now() - startedAt).padStart(5);
    internals.emit('stderr', '[trace +' + elapsed + 'ms] ' + kind + ' ' + internals.redact(text));
  }

  // The size of a message for trace lines: text in characters, binary data in bytes.
  function sizeOf(data) {
    if (typeof data === 'string') return data.length + ' chars';
    if (data instanceof ArrayBuffer) return data.byteLength + ' bytes';
    if (ArrayBuffer.isView(data)) return data.byteLength + ' bytes';
    return typeof data;
  }

  // A short, one-line rendering of a value for trace lines.
  function brief(value) {
    let text;
    try {
      text = JSON.stringify(value, (key, v) => (typeof v === 'function' ? undefined : v));
    } catch (error) {
      text = String(value);
    }
    if (text === undefined) text = String(value);
    return text.length > 200 ? text.slice(0, 197) + '...' : text;
  }

  // What the developer could change, printed once per run; the call itself still behaves as
  // on a phone.
  const hinted = new Set();
  function hint(text) {
    if (hinted.has(text)) return;
    hinted.add(text);
    internals.emit('stderr', 'wxrun: ' + internals.redact(text));
  }

  // Loads a lazy layer (if it is not yet) and returns what it exported.
  function layerExports(layer) {
    loadLayer(layer);
    return exported.get(layer);
  }

  const core = {
    native,
    trace,
    sizeOf,
    hint,
    tracing,
    // The mini-program this run launched (`root`: its folder), once launched: package files
    // (media, worker scripts) are found there.
    app: {},
    brief,
    layerExports,
    internals,
    typeName,
    isPlainObject,
    okResult,
    failResult,
    fail,
    checkParam,
    text,
    unboxed,
    invoke,
    isPromiseStyle,
    settleNow,
    later,
    asyncCall,
    failNow,
    ListenerList,
    ListenerSet,
    define,
    shown,
    members,
    adopt,
    newTaskId,
    setTaskHandler,
    forgetTask,
    tasksInFlight,
    transfersInFlight,
  };
  return core;
})
