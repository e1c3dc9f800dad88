// Scheduling and randomness, for real: nextTick and requestIdleCallback on the host's loop,
// getRandomValues from the operating system's CSPRNG.
(function (core) {
  'use strict';
  const { native, define, asyncCall, okResult, checkParam, later, internals } = core;

  // After the current synchronous flow, as its own macrotask.
  define('nextTick', (callback) => {
    if (typeof callback === 'function') later(() => core.invoke('nextTick', callback));
  });

  // Nothing measures idleness here: the callback runs once what is queued has run (after a
  // timer of 1 ms), with a deadline object as browsers give one.
  define('requestIdleCallback', (callback, option) => {
    if (typeof callback !== 'function') return undefined;
    const timeout = option && typeof option.timeout === 'number' ? option.timeout : undefined;
    return setTimeout(() => {
      const deadline = { didTimeout: false, timeRemaining: () => 50 };
      if (timeout !== undefined) deadline.timeout = timeout;
      try {
        callback(deadline);
      } catch (error) {
        internals.reportCallbackError(error, 'wx.requestIdleCallback');
      }
    }, 1);
  });
  define('cancelIdleCallback', (id) => {
    if (typeof id === 'number') clearTimeout(id);
  });

  define('getRandomValues', (options) => {
    const opts = options !== null && typeof options === 'object' ? options : {};
    return asyncCall('getRandomValues', opts, (settle) => {
      const bad = checkParam('getRandomValues', 'length', opts.length, ['Number']);
      if (bad) return settle(false, bad);
      const randomValues = native.randomValues(opts.length);
      if (!randomValues) return settle(false, core.fail('getRandomValues', 'randomValuesLength', native.randomLimit));
      settle(true, okResult('getRandomValues', { randomValues }));
    }, { promise: true });
  });
})
