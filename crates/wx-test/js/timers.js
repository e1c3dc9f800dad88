// Jest's "modern" fake timers: setTimeout, setInterval, their clears, Date and
// performance.now on a clock that moves only when the test says. The same clock drives the
// clocks of other layers (`internals.clocks`: wx's request, upload, download and socket
// timeouts, the background grace period, mDNS's stop), so their deadlines pass with it.
(function (real, clocks) {
  'use strict';

  const TIMER_LIMIT = 100000;
  let clock = null;
  let faked = [];

  function now() {
    return clock.systemStart + clock.elapsed;
  }

  // Moves the other layers' clocks to the current elapsed time.
  function syncClocks() {
    const delta = clock.elapsed - clock.clocksAt;
    if (delta > 0) {
      for (const c of clocks) c.advance(delta);
      clock.clocksAt = clock.elapsed;
    }
  }

  // The elapsed time of the next deadline another layer is waiting for, if any.
  function nextExternal() {
    let next = Infinity;
    for (const c of clocks) {
      const left = c.nextDeadline();
      if (left !== undefined && left !== null) next = Math.min(next, clock.clocksAt + left);
    }
    return next;
  }

  function firstTimer(limit) {
    let first = null;
    for (const timer of clock.timers.values()) {
      if (timer.callAt > limit) continue;
      if (!first || timer.callAt < first.callAt || (timer.callAt === first.callAt && timer.id < first.id)) first = timer;
    }
    return first;
  }

  function schedule(callback, delay, args, interval) {
    if (typeof callback !== 'function') {
      throw new TypeError('The "callback" argument must be of type function. Received ' + String(callback));
    }
    let ms = Math.max(0, Math.floor(Number(delay) || 0));
    if (ms === 0 && clock.firing) ms = 1;
    const id = clock.nextId++;
    clock.timers.set(id, { id, callback, args, callAt: clock.elapsed + ms, interval: interval ? Math.max(ms, 1) : 0 });
    return id;
  }

  function clear(id) {
    if (clock) clock.timers.delete(Number(id));
  }

  function fire(timer) {
    clock.elapsed = Math.max(clock.elapsed, timer.callAt);
    syncClocks();
    if (timer.interval) timer.callAt += timer.interval;
    else clock.timers.delete(timer.id);
    clock.firing = true;
    try {
      timer.callback.apply(undefined, timer.args);
    } finally {
      clock.firing = false;
    }
  }

  // One step towards `limit`: the earliest of the next timer and the next external deadline.
  // Returns false when neither is due by `limit`.
  function step(limit) {
    const external = nextExternal();
    const timer = firstTimer(Math.min(limit, external));
    if (timer && timer.callAt <= external) {
      fire(timer);
      return true;
    }
    if (external !== Infinity && external <= limit) {
      clock.elapsed = Math.max(clock.elapsed, external);
      syncClocks();
      return true;
    }
    return false;
  }

  function guard(count) {
    if (count > TIMER_LIMIT) throw new Error('Aborting after running ' + TIMER_LIMIT + ' timers, assuming an infinite loop!');
  }

  function ensureFake(name) {
    if (!clock) {
      throw new Error('jest.' + name + '() needs fake timers: call jest.useFakeTimers() first');
    }
  }

  // A macrotask turn on real time, so that events of other layers whose deadlines passed
  // (a request's fail callback) are delivered.
  const turn = () => new Promise((resolve) => real.setTimeout(resolve, 0));

  function FakeDate(...args) {
    if (!new.target) return new real.Date(now()).toString();
    return args.length === 0 ? new real.Date(now()) : new real.Date(...args);
  }
  FakeDate.prototype = real.Date.prototype;
  FakeDate.now = () => now();
  FakeDate.parse = real.Date.parse;
  FakeDate.UTC = real.Date.UTC;

  const api = {
    useFakeTimers(config = {}) {
      if (typeof config !== 'object' || config === null) config = {};
      if (clock) api.useRealTimers();
      const start = config.now instanceof real.Date ? config.now.getTime() : typeof config.now === 'number' ? config.now : real.Date.now();
      clock = { systemStart: start, elapsed: 0, clocksAt: 0, timers: new Map(), nextId: 1, firing: false };
      const skip = new Set(config.doNotFake || []);
      const replace = (name, value, owner = globalThis) => {
        if (skip.has(name)) return;
        const descriptor = Object.getOwnPropertyDescriptor(owner, name);
        if (descriptor && !descriptor.configurable) {
          // Not redefinable (performance.now of the engine): replaced by assignment if it can be.
          if (!descriptor.writable) return;
          const saved = owner[name];
          faked.push(() => {
            owner[name] = saved;
          });
          owner[name] = value;
          return;
        }
        faked.push(() => (descriptor ? Object.defineProperty(owner, name, descriptor) : delete owner[name]));
        Object.defineProperty(owner, name, { value, writable: true, configurable: true, enumerable: descriptor ? descriptor.enumerable : false });
      };
      replace('setTimeout', (callback, delay, ...args) => schedule(callback, delay, args, false));
      replace('setInterval', (callback, delay, ...args) => schedule(callback, delay, args, true));
      replace('clearTimeout', clear);
      replace('clearInterval', clear);
      replace('Date', FakeDate);
      if (typeof performance === 'object' && !skip.has('performance')) replace('now', () => clock.elapsed, performance);
      for (const c of clocks) c.useVirtual(true);
    },
    useRealTimers() {
      for (const restore of faked.reverse()) restore();
      faked = [];
      if (clock) for (const c of clocks) c.useVirtual(false);
      clock = null;
    },
    isFakeTimers: () => clock !== null,
    advanceTimersByTime(ms = 0) {
      ensureFake('advanceTimersByTime');
      const target = clock.elapsed + Math.max(0, Number(ms) || 0);
      let count = 0;
      while (step(target)) guard(++count);
      clock.elapsed = target;
      syncClocks();
    },
    async advanceTimersByTimeAsync(ms = 0) {
      ensureFake('advanceTimersByTimeAsync');
      const target = clock.elapsed + Math.max(0, Number(ms) || 0);
      let count = 0;
      while (clock && step(target)) {
        guard(++count);
        await turn();
      }
      if (!clock) return;
      clock.elapsed = Math.max(clock.elapsed, target);
      syncClocks();
      await turn();
    },
    runAllTimers() {
      ensureFake('runAllTimers');
      let count = 0;
      while (step(Infinity)) guard(++count);
    },
    async runAllTimersAsync() {
      ensureFake('runAllTimersAsync');
      let count = 0;
      while (clock && step(Infinity)) {
        guard(++count);
        await turn();
      }
    },
    runOnlyPendingTimers() {
      ensureFake('runOnlyPendingTimers');
      const pending = Array.from(clock.timers.values()).sort((a, b) => a.callAt - b.callAt || a.id - b.id);
      const external = nextExternal();
      const until = Math.max(pending.length ? pending[pending.length - 1].callAt : -Infinity, external === Infinity ? -Infinity : external);
      for (const timer of pending) if (clock.timers.has(timer.id) && timer.callAt <= until) fire(timer);
      if (until > clock.elapsed) {
        clock.elapsed = until;
        syncClocks();
      }
    },
    async runOnlyPendingTimersAsync() {
      api.runOnlyPendingTimers();
      await turn();
    },
    advanceTimersToNextTimer(steps = 1) {
      ensureFake('advanceTimersToNextTimer');
      for (let i = 0; i < steps; i++) if (!step(Infinity)) break;
    },
    async advanceTimersToNextTimerAsync(steps = 1) {
      ensureFake('advanceTimersToNextTimerAsync');
      for (let i = 0; i < steps && clock; i++) {
        if (!step(Infinity)) break;
        await turn();
      }
    },
    runAllTicks() {},
    clearAllTimers() {
      if (clock) clock.timers.clear();
    },
    getTimerCount: () => (clock ? clock.timers.size : 0),
    now: () => (clock ? now() : real.Date.now()),
    setSystemTime(time) {
      ensureFake('setSystemTime');
      const value = time === undefined ? real.Date.now() : time instanceof real.Date ? time.getTime() : Number(time);
      clock.systemStart = value - clock.elapsed;
    },
    getRealSystemTime: () => real.Date.now(),
  };
  return api;
})
