// Managers a phone hands out without hardware: the update manager (the client checks for a
// new version at launch and finds none), the log managers (what the app logs is recorded; the
// real-time log's filters and tags are kept in the device's state) and the performance
// manager (nothing is measured, so its entry lists are empty).
(function (core) {
  'use strict';
  const { define, later, invoke } = core;
  const sim = core.layerExports('simulated');
  const { state } = sim;

  // The update check answers once, after the launch, to every onCheckForUpdate listener
  // (also those added later, as the client keeps the answer). With `hasUpdate: true` (a
  // scripted answer for `UpdateManager.onCheckForUpdate`) the new version is then ready.
  let updates = null;
  define('getUpdateManager', () => {
    sim.record('getUpdateManager', [], undefined);
    if (updates) return updates;
    let checked = null;
    const checkListeners = [];
    const deliver = (fn) => later(() => invoke('UpdateManager.onCheckForUpdate', fn, Object.assign({}, checked)));
    later(() => {
      checked = sim.eventAnswer('UpdateManager.onCheckForUpdate', { hasUpdate: false });
      sim.record('UpdateManager.onCheckForUpdate', [checked], undefined);
      for (const fn of checkListeners) invoke('UpdateManager.onCheckForUpdate', fn, Object.assign({}, checked));
      if (checked && checked.hasUpdate) sim.fire(updates, 'onUpdateReady', {});
    });
    updates = sim.instance('UpdateManager', {
      owner: 'getUpdateManager',
      methods: {
        onCheckForUpdate(fn) {
          if (typeof fn !== 'function') return;
          checkListeners.push(fn);
          if (checked) deliver(fn);
        },
      },
    });
    return updates;
  });

  define('getLogManager', (option) => {
    sim.record('getLogManager', [option], undefined);
    return sim.instance('LogManager', { owner: 'getLogManager' });
  });

  // Filters set on the real-time log and on each tag.
  sim.keep('realtimeLog', () => ({ filters: [], tags: {}, page: null, count: 0, size: 0 }));
  // The capacity getCurrentState reports (chosen: the docs give none).
  const MAX_LOG_COUNT = 5000;
  const MAX_LOG_SIZE = 5 * 1024;
  function logged(args) {
    const log = state.realtimeLog;
    log.count += 1;
    try {
      log.size += JSON.stringify(args).length;
    } catch (error) {
      log.size += String(args).length;
    }
  }
  function filterMethods(target, prefix) {
    return {
      setFilterMsg(msg) {
        sim.record(prefix + '.setFilterMsg', [msg], undefined);
        target().filters = [String(msg)];
      },
      addFilterMsg(msg) {
        sim.record(prefix + '.addFilterMsg', [msg], undefined);
        target().filters.push(String(msg));
      },
    };
  }
  function tagged(tagName) {
    const name = String(tagName);
    const tags = () => state.realtimeLog.tags;
    if (!tags()[name]) tags()[name] = { filters: [] };
    const methods = filterMethods(() => tags()[name] || (tags()[name] = { filters: [] }), 'RealtimeTagLogManager');
    for (const level of ['info', 'warn', 'error']) {
      methods[level] = (key, value) => {
        sim.record('RealtimeTagLogManager.' + level, [name, key, value], undefined);
        logged([key, value]);
      };
    }
    return sim.instance('RealtimeTagLogManager', { methods, owner: 'getRealtimeLogManager' });
  }
  define('getRealtimeLogManager', () => {
    sim.record('getRealtimeLogManager', [], undefined);
    const methods = filterMethods(() => state.realtimeLog, 'RealtimeLogManager');
    for (const level of ['info', 'warn', 'error']) {
      methods[level] = (...args) => {
        sim.record('RealtimeLogManager.' + level, args, undefined);
        logged(args);
      };
    }
    methods.in = (page) => {
      sim.record('RealtimeLogManager.in', [], undefined);
      state.realtimeLog.page = page && typeof page.route === 'string' ? page.route : null;
    };
    methods.tag = (tagName) => {
      sim.record('RealtimeLogManager.tag', [tagName], undefined);
      return tagged(tagName);
    };
    methods.getCurrentState = () => {
      const log = state.realtimeLog;
      return { size: log.size, maxSize: MAX_LOG_SIZE, logCount: log.count, maxLogCount: MAX_LOG_COUNT };
    };
    return sim.instance('RealtimeLogManager', { methods, owner: 'getRealtimeLogManager' });
  });

  define('getPerformance', () => {
    sim.record('getPerformance', [], undefined);
    return sim.instance('Performance', { owner: 'getPerformance' });
  });
})
