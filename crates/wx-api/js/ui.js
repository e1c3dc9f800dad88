// The interface APIs network code touches (toasts, loading, modals, action sheets, the
// navigation bar title, pull-down refresh). Nothing is drawn: each call goes through the
// simulated device (recorded, traced, scriptable with `require('wxrun').device.respond`) and
// is answered as a person would answer it — a modal is confirmed, the first item of an action
// sheet is tapped — with what is on screen kept in the device's state. This layer's exports
// are `require('wxrun').ui`, the older name of the device controls.
(function (core) {
  'use strict';
  const { define, checkParam, failNow } = core;
  const sim = core.layerExports('simulated');
  const { state } = sim;

  const respond = (api, options, byDefault, onAnswered) => sim.respondAsync(api, options, { byDefault, onAnswered });

  // A title that is not a string fails at once, before anything is shown.
  function titled(api, field, options, byDefault, onAnswered) {
    const opts = options || {};
    const bad = checkParam(api, field, opts[field], ['String']);
    if (bad) return core.isPromiseStyle(opts) ? Promise.reject(bad) : failNow(api, opts, bad);
    return respond(api, opts, byDefault, onAnswered);
  }

  define('showToast', (options) => {
    const opts = options || {};
    return titled('showToast', 'title', opts, null, () => {
      state.toast = { title: opts.title, icon: opts.icon || 'success', duration: opts.duration === undefined ? 1500 : opts.duration };
      state.loading = null;
    });
  });
  define('hideToast', (options) => respond('hideToast', options, null, () => {
    state.toast = null;
  }));
  define('showLoading', (options) => {
    const opts = options || {};
    return titled('showLoading', 'title', opts, null, () => {
      state.loading = { title: opts.title };
      state.toast = null;
    });
  });
  define('hideLoading', (options) => respond('hideLoading', options, null, () => {
    state.loading = null;
  }));
  define('showModal', (options) => {
    const opts = options || {};
    // A person reads it and taps the confirm button; an editable modal is confirmed empty.
    const byDefault = () => Object.assign({ confirm: true, cancel: false }, opts.editable ? { content: '' } : {});
    return respond('showModal', opts, byDefault, (result) => {
      state.modal = { title: opts.title, content: opts.content, confirm: result.confirm };
    });
  });
  define('showActionSheet', (options) => {
    const opts = options || {};
    const bad = checkParam('showActionSheet', 'itemList', opts.itemList, ['Array']) || (opts.itemList.length > 6 ? core.fail('showActionSheet', 'actionSheetItems') : undefined);
    if (bad) return core.isPromiseStyle(opts) ? Promise.reject(bad) : failNow('showActionSheet', opts, bad);
    return respond('showActionSheet', opts, () => ({ tapIndex: 0 }));
  });
  define('setNavigationBarTitle', (options) => {
    const opts = options || {};
    return titled('setNavigationBarTitle', 'title', opts, null, () => {
      state.navigationBarTitle = opts.title;
      if (core.onNavigationBarTitle) core.onNavigationBarTitle(opts.title);
    });
  });
  define('startPullDownRefresh', (options) => respond('startPullDownRefresh', options, null, () => {
    state.pullDownRefreshing = true;
  }));
  define('stopPullDownRefresh', (options) => respond('stopPullDownRefresh', options, null, () => {
    state.pullDownRefreshing = false;
  }));

  const device = sim.controls;
  return Object.freeze({
    respond: device.respond,
    get calls() {
      return device.calls;
    },
    callsOf: device.callsOf,
    // What is on screen: the toast, the loading indicator, the last modal, the title.
    get state() {
      const { toast, loading, modal, navigationBarTitle, pullDownRefreshing } = state;
      return JSON.parse(JSON.stringify({ toast, loading, modal, navigationBarTitle, pullDownRefreshing }));
    },
    reset: device.reset,
  });
})
