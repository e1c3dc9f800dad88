// The simulated device (docs/device.md). Every documented wx member that no other layer
// defines is answered here, by its kind in the surface table (data/surface.json, from the
// typings): an async API answers `<api>:ok` with its result fields, a sync one its default
// value, an on/off pair is a real listener set, a factory an object with every method and
// listener pair of its interface. The device families share what is here — scripted answers,
// the record of calls, app-level events, the scopes the user granted, objects built from an
// interface — and `require('wxrun').device` is its controls.
(function (core) {
  'use strict';
  const { native, define, asyncCall, okResult, failResult, checkParam, typeName, invoke, later, ListenerList, trace, brief } = core;

  // ------------------------------------------------------------------ the surface table

  const parsed = { api: new Map(), interface: new Map(), cloud: new Map() };
  function describe(section, name) {
    const cache = parsed[section];
    if (!cache.has(name)) {
      const text = native.surface(section, name);
      cache.set(name, text === undefined ? undefined : JSON.parse(text));
    }
    return cache.get(name);
  }
  const entryOf = (name) => describe('api', name);
  const interfaceOf = (name) => describe('interface', name);
  // A member of wx.cloud (`callFunction`), which the inventory does not list.
  const cloudEntryOf = (name) => describe('cloud', name);

  // [support, category] of a wx member, or undefined.
  const infos = new Map();
  function infoOf(name) {
    if (!infos.has(name)) infos.set(name, native.apiInfo(name));
    return infos.get(name);
  }
  // Objects are traced under the category of the API that handed them out.
  const owners = new Map();
  // Calls named `<prefix>.<method>` (`collection.add`) are traced under `owner`'s category.
  const own = (prefix, owner) => owners.set(prefix, owner);
  const categoryOf = (name) => {
    const head = name.split('.')[0];
    const info = infoOf(owners.get(head) || head);
    return info ? info[1] : 'device';
  };

  // A fresh copy of a default from the table; `{$interface}` becomes an object of it.
  function materialize(value) {
    if (value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map(materialize);
    if (typeof value.$interface === 'string') return instance(value.$interface);
    const out = {};
    for (const key of Object.keys(value)) out[key] = materialize(value[key]);
    return out;
  }

  // ------------------------------------------------------------------ state and profile

  let profileCache = null;
  const profile = () => profileCache || (profileCache = native.profile());

  // What the simulated phone holds, shown by `device.state`; families add their parts and
  // say how to restore them on reset().
  const state = {};
  const resets = [];
  function keep(part, initial) {
    const restore = () => {
      state[part] = typeof initial === 'function' ? initial() : initial;
    };
    restore();
    resets.push(restore);
  }

  // Work to undo on reset() beyond the state (a running timer).
  const onReset = (fn) => resets.push(fn);

  // What is on screen (the UI layer and the clipboard's toast write it).
  keep('toast', null);
  keep('loading', null);
  keep('modal', null);
  keep('navigationBarTitle', null);
  keep('pullDownRefreshing', false);

  // The scopes asked for so far and the user's answers (`getSetting` lists only these). The
  // profile's `scopes` say how the user answers; scopes it does not name are granted.
  keep('authSetting', () => ({}));
  // `undefined` when `scope` is granted (asking the user the first time), else the fail
  // result of `api`.
  function askScope(api, scope) {
    const asked = state.authSetting;
    if (!(scope in asked)) {
      asked[scope] = profile().scopes[scope] !== false;
      trace('open-api', 'scope ' + scope + (asked[scope] ? ' granted' : ' refused') + ' (asked by ' + api + ')');
    }
    return asked[scope] ? undefined : core.fail(api, 'authDeny');
  }

  // ------------------------------------------------------------------ recorded calls

  // The record keeps the latest calls; a script that calls simulated APIs in a long loop
  // does not grow it without bound.
  const RECORD_LIMIT = 10000;
  let calls = [];

  // A copy of an argument without its functions, for the record and the trace.
  function plain(value) {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return value;
    const out = {};
    for (const key of Object.keys(value)) {
      if (typeof value[key] !== 'function') out[key] = value[key];
    }
    return out;
  }

  function record(name, args, options) {
    const call = { api: name, options, args: args.map(plain) };
    calls.push(call);
    if (calls.length > RECORD_LIMIT) calls = calls.slice(calls.length - RECORD_LIMIT / 2);
    if (core.tracing.on) {
      const shown = options !== undefined ? ' ' + brief(options) : call.args.length ? ' ' + brief(call.args) : '';
      trace(categoryOf(name), name + shown);
    }
    return call;
  }

  // ------------------------------------------------------------------ scripted answers

  const answers = new Map();

  // The scripted answer of `name` for a call with `request` (the options of an async call, or
  // the arguments of another): `{ answer }`, `{ threw: true }`, or undefined for none.
  function scripted(name, request) {
    if (!answers.has(name)) return undefined;
    let answer = answers.get(name);
    if (typeof answer === 'function') {
      try {
        answer = Array.isArray(request) ? answer(...request) : answer(request);
      } catch (error) {
        core.internals.reportCallbackError(error, 'wxrun.device.respond(' + JSON.stringify(name) + ')');
        return { threw: true };
      }
    }
    return answer === undefined ? undefined : { answer };
  }

  // The fail result a scripted `{ fail, ...fields }` stands for: `fail` is the reason or the
  // whole errMsg; the other fields (errCode, errno, ...) are kept.
  function scriptedFailure(name, answer) {
    const fields = Object.assign({}, answer);
    delete fields.fail;
    const text = String(answer.fail);
    const reason = text.startsWith(name + ':fail') ? text.slice(name.length + 5) : text;
    return failResult(name, reason.startsWith(' ') ? reason.slice(1) : reason, undefined, fields);
  }

  const isFailure = (result) => result !== null && typeof result === 'object' && typeof result.errMsg === 'string' && !result.errMsg.endsWith(':ok');
  // An API whose success result is a bare value (getRendererUserAgent's string).
  const isScalar = (entry) => Boolean(entry && entry.result && '$value' in entry.result);

  // A result from what a default gives: a whole result (it has an errMsg) or success fields.
  function asResult(name, value) {
    if (value !== null && typeof value === 'object' && typeof value.errMsg === 'string') return value;
    return okResult(name, value !== null && typeof value === 'object' ? value : {});
  }

  // The answer of an asynchronous call: the scripted one merged over the default, else the
  // default (`byDefault(options)`, fields or a whole result, or a Promise of one).
  function decide(name, options, entry, byDefault) {
    const script = scripted(name, plain(options));
    if (script && script.threw) return core.fail(name, 'scriptedAnswerThrew');
    const scalar = isScalar(entry);
    const fallback = byDefault ? byDefault(options) : scalar ? entry.result.$value : materialize(entry && entry.result);
    const finish = (value) => {
      if (scalar && !isFailure(value)) {
        if (!script) return value;
        const answer = script.answer;
        return answer !== null && typeof answer === 'object' && answer.fail !== undefined ? scriptedFailure(name, answer) : answer;
      }
      const base = asResult(name, value === undefined ? {} : value);
      if (!script) return base;
      const answer = script.answer;
      if (answer === null || typeof answer !== 'object') {
        core.internals.reportCallbackError(new TypeError('wxrun.device.respond(' + JSON.stringify(name) + '): the answer should be an object, or a function returning one'), 'wxrun.device.respond');
        return core.fail(name, 'scriptedAnswerThrew');
      }
      if (answer.fail !== undefined) return scriptedFailure(name, answer);
      // A scripted success over a default failure (a payment the user now pays) starts
      // from the documented result fields.
      const fields = isFailure(base) ? materialize(entry && entry.result) || {} : base;
      return okResult(name, Object.assign({}, fields, answer));
    };
    return fallback && typeof fallback.then === 'function' ? fallback.then(finish) : finish(fallback);
  }

  // The first parameter failure of `options` against the table's required fields.
  function parameterFailure(name, entry, options) {
    if (!entry || !entry.checks) return undefined;
    for (const field of Object.keys(entry.checks)) {
      const bad = checkParam(name, field, options[field], entry.checks[field]);
      if (bad) return bad;
    }
    return undefined;
  }

  // An asynchronous call of a simulated API: checked against the table, recorded, traced,
  // answered as a macrotask. Families pass `byDefault(options)`, `onAnswered(result,
  // options)` and `check(options)` (a parameter failure or undefined). The call returns
  // `returns` (a task) if given, else a Promise when no callback is given and `promise`.
  function respondAsync(name, options, { entry = entryOf(name), byDefault, onAnswered, check, returns, promise = true } = {}) {
    const opts = options !== null && typeof options === 'object' ? options : {};
    const call = record(name, [options], plain(opts));
    const returned = asyncCall(name, opts, (settle) => {
      const bad = parameterFailure(name, entry, opts) || (check && check(opts));
      const settleWith = (result) => {
        call.result = result;
        const ok = !isFailure(result);
        if (ok && onAnswered) onAnswered(result, opts);
        if (!ok) trace(categoryOf(name), name + ' -> ' + result.errMsg);
        settle(ok, result);
      };
      if (bad) return settleWith(bad);
      const answer = decide(name, opts, entry, byDefault);
      if (answer && typeof answer.then === 'function') {
        answer.then(settleWith, (error) => {
          core.internals.reportCallbackError(error, 'wx.' + name);
          settleWith(core.fail(name, 'scriptedAnswerThrew'));
        });
      } else settleWith(answer);
    }, { promise: promise && returns === undefined });
    return returns === undefined ? returned : returns;
  }

  // A synchronous call (a *Sync API, a method returning a value, or one returning nothing):
  // arguments checked (a bad one throws an Error whose message is the errMsg, as the *Sync
  // forms on phones do), recorded, and the scripted value (merged over an object default) or
  // the default returned. A scripted `{fail}` throws.
  function respondSync(name, args, { entry, byDefault, checkArgs = false } = {}) {
    const call = record(name, args, undefined);
    if (checkArgs && entry && entry.args) {
      entry.args.forEach(([field, types, required], index) => {
        const value = args[index];
        if (!types || (value === undefined && !required)) return;
        const bad = checkParam(name, field, value, types);
        if (bad) throwFailure(call, bad);
      });
    }
    const fallback = byDefault ? byDefault(...args) : materialize(entry && entry.value);
    const script = scripted(name, args);
    let value = fallback;
    if (script && script.threw) throwFailure(call, core.fail(name, 'scriptedAnswerThrew'));
    if (script) {
      const answer = script.answer;
      if (answer !== null && typeof answer === 'object' && answer.fail !== undefined) throwFailure(call, scriptedFailure(name, answer));
      value = core.isPlainObject(answer) && core.isPlainObject(fallback) ? Object.assign(fallback, answer) : answer;
    }
    call.result = value;
    return value;
  }

  function throwFailure(call, result) {
    call.result = result;
    const error = new Error(result.errMsg);
    if (result.errno !== undefined) error.errno = result.errno;
    throw error;
  }

  // ------------------------------------------------------------------ events

  // App-level listener sets (wx.onThemeChange, wx.onLocationChange, ...), by the on-name.
  const eventLists = new Map();
  function listeners(onName) {
    let list = eventLists.get(onName);
    if (!list) {
      list = new ListenerList(onName);
      eventLists.set(onName, list);
    }
    return list;
  }

  // The event object of `entry` with `payload` over its documented fields.
  function eventPayload(entry, payload) {
    const base = materialize(entry && entry.event);
    if (base && typeof base === 'object' && payload !== null && typeof payload === 'object' && !Array.isArray(payload)) return Object.assign(base, payload);
    return payload === undefined ? base : payload;
  }

  // Objects built from interfaces, by interface name, to reach their listeners from emit.
  const live = new Map();
  const eventsOf = new WeakMap();

  // Fires `onName` on one object built by instance(), as a macrotask.
  function fire(object, onName, payload) {
    const events = eventsOf.get(object);
    const list = events && events.get(onName);
    if (list) later(() => list.emit(payload));
  }

  // ------------------------------------------------------------------ objects of interfaces

  // An object with every method, listener pair and property of interface `name`: on/off
  // keep real listener sets, chainable methods return the object, methods returning another
  // interface return an object of it, async methods answer `<Interface>.<method>:ok` as a
  // macrotask, the others record the call. `methods` replaces some methods; `defaults` gives
  // the default answer of async methods by name (`byDefault(options)`).
  function instance(name, { methods = {}, defaults = {}, properties = {}, owner } = {}) {
    const description = interfaceOf(name);
    if (owner && !owners.has(name)) owners.set(name, owners.get(owner) || owner);
    const object = {};
    const events = new Map();
    eventsOf.set(object, events);
    const eventList = (onName) => {
      let list = events.get(onName);
      if (!list) {
        list = new ListenerList(name + '.' + onName);
        events.set(onName, list);
      }
      return list;
    };
    const table = (description && description.methods) || {};
    for (const method of Object.keys(table)) {
      if (method in methods) continue;
      const entry = table[method];
      const full = name + '.' + method;
      switch (entry.kind) {
        case 'on':
          object[method] = (fn) => eventList(method).on(fn);
          break;
        case 'off':
          object[method] = (fn) => eventList(entry.on || 'on' + method.slice(3)).off(fn);
          break;
        case 'async':
          object[method] = (options) => respondAsync(full, options, {
            entry,
            byDefault: defaults[method],
            returns: entry.returns ? instance(entry.returns, { owner: name }) : undefined,
            promise: entry.promise === true,
          });
          break;
        default:
          object[method] = function (...args) {
            const value = respondSync(full, args, { entry });
            if (entry.chainable) return this;
            if (entry.returns) return instance(entry.returns, { owner: name });
            return value;
          };
      }
    }
    Object.assign(object, methods);
    const props = Object.assign(materialize((description && description.properties) || {}), properties);
    Object.assign(object, props);
    // Objects with events are reachable from emit() while they live.
    if (Object.keys(table).some((method) => table[method].kind === 'on')) {
      let set = live.get(name);
      if (!set) {
        set = new Set();
        live.set(name, set);
      }
      if (set.size >= 64 && (set.size & (set.size - 1)) === 0) {
        for (const ref of Array.from(set)) if (!ref.deref()) set.delete(ref);
      }
      set.add(new WeakRef(object));
    }
    return object;
  }

  // ------------------------------------------------------------------ generic wx members

  // The member `name` as its kind in the table answers it.
  function generic(name, entry) {
    switch (entry.kind) {
      case 'async':
        return (options) => respondAsync(name, options, { entry, returns: entry.returns ? instance(entry.returns, { owner: name }) : undefined });
      case 'sync':
        return (...args) => respondSync(name, args, { entry, checkArgs: true });
      case 'on': {
        const list = listeners(name);
        return (fn) => list.on(fn);
      }
      case 'off': {
        const list = listeners(entry.on || 'on' + name.slice(3));
        return (fn) => list.off(fn);
      }
      case 'factory':
        return (...args) => {
          const call = record(name, args, undefined);
          const object = instance(entry.returns, { owner: name });
          call.result = entry.returns;
          return object;
        };
      default:
        return (...args) => {
          respondSync(name, args, { entry });
        };
    }
  }

  // Called by core when a member of this layer is first called.
  function provide(name) {
    const entry = entryOf(name);
    if (entry) define(name, generic(name, entry));
  }

  // ------------------------------------------------------------------ controls

  // The nearest of `names` to `name` (edit distance), if it is near enough to be a typo.
  function nearest(name, names) {
    let best = null;
    let bestDistance = Infinity;
    for (const candidate of names) {
      const d = distance(name.toLowerCase(), candidate.toLowerCase());
      if (d < bestDistance) {
        best = candidate;
        bestDistance = d;
      }
    }
    return bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : null;
  }
  function distance(a, b) {
    let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
      const current = [i];
      for (let j = 1; j <= b.length; j++) {
        current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      }
      previous = current;
    }
    return previous[b.length];
  }

  // Where the script controls what a real API sees instead.
  const REAL_CONTROLS = {
    onAppShow: "require('wxrun').app.show()",
    onAppHide: "require('wxrun').app.hide()",
    onNetworkStatusChange: "require('wxrun').network.setType(type)",
    getNetworkType: "require('wxrun').network.setType(type)",
  };

  function unknown(what, name, names) {
    const near = nearest(name, names);
    return new TypeError(what + ': ' + JSON.stringify(name) + ' is not a wx API' + (near ? '; did you mean ' + JSON.stringify(near) + '?' : ''));
  }

  // Checks the name of an API or `Interface.method` a script answers or fires, and returns
  // its table entry.
  function scriptable(what, name, { event }) {
    if (typeof name !== 'string') throw new TypeError(what + ': the first argument should be the name of a wx API, such as "getLocation"');
    if (name.startsWith('cloud.')) return scriptableCloud(what, name, { event });
    const dot = name.indexOf('.');
    if (dot > 0) {
      const owner = name.slice(0, dot);
      const method = name.slice(dot + 1);
      const description = interfaceOf(owner);
      if (!description) throw new TypeError(what + ': ' + JSON.stringify(owner) + ' is not an interface of wx' + suggestion(owner, native.surface('interface')));
      const entry = description.methods[method];
      if (!entry) throw new TypeError(what + ': ' + owner + ' has no method ' + JSON.stringify(method) + suggestion(method, Object.keys(description.methods)));
      if (event && entry.kind !== 'on') throw new TypeError(what + ': ' + name + ' is not an event; events are the on* methods, such as ' + owner + '.' + (Object.keys(description.methods).find((m) => description.methods[m].kind === 'on') || 'onX'));
      return entry;
    }
    const info = infoOf(name);
    const entry = entryOf(name);
    if (!info) throw unknown(what, name, native.surface('api'));
    const control = REAL_CONTROLS[name];
    if (control) throw new TypeError(what + ': wx.' + name + ' follows the network and app state; change it with ' + control);
    if (info[0] === 'real') {
      throw new TypeError(what + ': wx.' + name + ' is real in wxrun, not simulated' + (name === 'request' || name === 'uploadFile' || name === 'downloadFile' || name === 'connectSocket' ? '; answer it with a mock rule (docs/mocks.md)' : ''));
    }
    // The system information getters read the device profile at start-up speed.
    if (info[2] === 'base') throw new TypeError(what + ': wx.' + name + ' answers from the device profile; set it with the `device` keys of wxrun.json (docs/configuration.md)');
    if (event) {
      if (!entry || entry.kind !== 'on') {
        const near = nearest(name, native.surface('api').filter((n) => entryOf(n).kind === 'on'));
        throw new TypeError(what + ': ' + JSON.stringify(name) + ' is not an event of wx; events are the on* APIs' + (near ? '; did you mean ' + JSON.stringify(near) + '?' : ''));
      }
      return entry;
    }
    if (entry && (entry.kind === 'on' || entry.kind === 'off')) throw new TypeError(what + ': wx.' + name + ' is an event listener; fire the event with device.emit(' + JSON.stringify(entry.kind === 'on' ? name : entry.on) + ', payload)');
    if (entry && entry.kind === 'factory') throw new TypeError(what + ': wx.' + name + ' returns ' + entry.returns + '; answer its methods instead, such as device.respond("' + entry.returns + '.' + (Object.keys(interfaceOf(entry.returns).methods)[0] || 'method') + '", ...)');
    return entry;
  }

  // `cloud.<member>` (`cloud.callFunction`), or `cloud.callFunction:<name>` for the answer of
  // one cloud function.
  function scriptableCloud(what, name, { event }) {
    const member = name.slice('cloud.'.length).split(':')[0];
    const entry = cloudEntryOf(member);
    if (!entry) throw new TypeError(what + ': wx.cloud has no ' + JSON.stringify(member) + suggestion(member, native.surface('cloud')));
    if (event) throw new TypeError(what + ': wx.cloud.' + member + ' is not an event');
    if (entry.kind !== 'async') throw new TypeError(what + ': wx.cloud.' + member + ' is not answered; script the asynchronous members (callFunction, uploadFile, ...)');
    if (name.includes(':') && (member !== 'callFunction' || name.endsWith(':'))) {
      throw new TypeError(what + ': only callFunction takes a function name after a colon, as in "cloud.callFunction:login"');
    }
    return entry;
  }

  function suggestion(name, names) {
    const near = nearest(name, names);
    return near ? '; did you mean ' + JSON.stringify(near) + '?' : '';
  }

  // Fires an app-level event (`onThemeChange`) or an event of every live object of an
  // interface (`UpdateManager.onUpdateReady`), as a macrotask; resolves once listeners ran.
  function emit(name, payload) {
    const entry = scriptable('wxrun.device.emit', name, { event: true });
    const event = eventPayload(entry, payload);
    // The system follows the events that change its state.
    if (name === 'onThemeChange' && event && (event.theme === 'dark' || event.theme === 'light')) core.systemOverlay.theme = event.theme;
    trace(categoryOf(name), 'emit ' + name + ' ' + brief(event));
    return new Promise((resolve) => {
      later(() => {
        const dot = name.indexOf('.');
        if (dot < 0) listeners(name).emit(event);
        else {
          const set = live.get(name.slice(0, dot)) || new Set();
          for (const ref of Array.from(set)) {
            const object = ref.deref();
            if (!object) {
              set.delete(ref);
              continue;
            }
            const list = eventsOf.get(object).get(name.slice(dot + 1));
            if (list) list.emit(event);
          }
        }
        resolve();
      });
    });
  }

  const controls = Object.freeze({
    // How `name` (a wx API, or `Interface.method`) answers from now on: an object merged over
    // the default answer, a function of the call's options (or arguments) returning one,
    // `{ fail: reason }` (with more fields such as errCode if wanted), or undefined for the
    // default again.
    respond(name, answer) {
      scriptable('wxrun.device.respond', name, { event: false });
      if (answer === undefined) {
        answers.delete(name);
        return;
      }
      if (answer === null || (typeof answer !== 'object' && typeof answer !== 'function')) {
        throw new TypeError('wxrun.device.respond(' + JSON.stringify(name) + ', answer): the answer should be an object, { fail: reason }, or a function returning one; got ' + typeName(answer));
      }
      answers.set(name, answer);
    },
    emit,
    // Every call of a simulated API so far, oldest first: { api, options, args, result }.
    get calls() {
      return calls.slice();
    },
    callsOf(name) {
      return calls.filter((call) => call.api === name);
    },
    // What the phone holds now: the clipboard, the screen, the scopes asked for, what is on
    // screen, ...
    get state() {
      return JSON.parse(JSON.stringify(state));
    },
    // Forgets the calls and the scripted answers, and puts the phone back in its default
    // state. Listeners the app added stay.
    reset() {
      calls = [];
      answers.clear();
      delete core.systemOverlay.theme;
      for (const restore of resets) restore();
    },
  });

  // The payload of an event the phone fires by itself (`UpdateManager.onCheckForUpdate`):
  // a scripted answer for `name` merged over `fallback`.
  function eventAnswer(name, fallback) {
    const script = scripted(name, [fallback]);
    if (!script || script.threw) return fallback;
    const answer = script.answer;
    return core.isPlainObject(answer) && core.isPlainObject(fallback) ? Object.assign({}, fallback, answer) : answer;
  }

  return {
    provide,
    cloudEntryOf,
    own,
    scripted,
    scriptedFailure,
    eventAnswer,
    controls,
    respondAsync,
    respondSync,
    record,
    listeners,
    instance,
    fire,
    materialize,
    entryOf,
    interfaceOf,
    profile,
    state,
    keep,
    onReset,
    askScope,
    plain,
  };
})
