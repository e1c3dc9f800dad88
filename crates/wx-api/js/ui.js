// The interface and account APIs network code touches (toasts, loading, modals, action sheets,
// the navigation bar title, pull-down refresh, login, checkSession). Nothing is drawn: each call
// is recorded and answered as a person would answer it — a modal is confirmed, the first item
// of an action sheet is tapped, login yields a code — unless a script told `require('wxrun').ui`
// to answer otherwise.
(function (core) {
  'use strict';
  const { define, asyncCall, okResult, failResult, checkParam, failNow, trace, brief } = core;

  const calls = [];
  const answers = new Map();
  const state = { toast: null, loading: null, modal: null, navigationBarTitle: null, pullDownRefreshing: false };
  let loginCount = 0;

  function plain(options) {
    const out = {};
    for (const key of Object.keys(options || {})) {
      if (typeof options[key] !== 'function') out[key] = options[key];
    }
    return out;
  }

  // The scripted answer for `api`, merged over the default one. `{ fail: reason }` fails the
  // call with `<api>:fail <reason>`.
  function answerFor(api, options, fallback) {
    const scripted = answers.get(api);
    let answer = typeof scripted === 'function' ? scripted(plain(options)) : scripted;
    if (answer === undefined || answer === null) answer = {};
    if (typeof answer !== 'object') throw new TypeError('wxrun.ui.respond(' + JSON.stringify(api) + '): an answer should be an object or a function returning one');
    if (typeof answer.fail === 'string') return { ok: false, result: failResult(api, answer.fail) };
    return { ok: true, result: okResult(api, Object.assign({}, fallback, answer)) };
  }

  // Records the call, then answers it as a macrotask (Promise style when no callback is given).
  function respond(api, options, fallback, onAnswered) {
    const recorded = { api, options: plain(options) };
    calls.push(recorded);
    trace('ui', api + ' ' + brief(recorded.options));
    return asyncCall(api, options, (settle) => {
      let answer;
      try {
        answer = answerFor(api, options, typeof fallback === 'function' ? fallback() : fallback);
      } catch (error) {
        core.internals.reportCallbackError(error, 'wxrun.ui.respond');
        answer = { ok: false, result: core.fail(api, 'scriptedAnswerThrew') };
      }
      recorded.result = answer.result;
      if (answer.ok && onAnswered) onAnswered(answer.result);
      settle(answer.ok, answer.result);
    }, { promise: true });
  }

  function titled(api, field, options, fallback, onAnswered) {
    const opts = options || {};
    const bad = checkParam(api, field, opts[field], ['String']);
    if (bad) return failNow(api, opts, bad);
    return respond(api, opts, fallback, onAnswered);
  }

  // The APIs this layer answers, and so the ones a script may give answers for.
  const answered = new Set();
  function defineAnswered(name, fn) {
    answered.add(name);
    define(name, fn);
  }

  defineAnswered('showToast', (options) => {
    const opts = options || {};
    return titled('showToast', 'title', opts, {}, () => {
      state.toast = { title: opts.title, icon: opts.icon || 'success', duration: opts.duration === undefined ? 1500 : opts.duration };
      state.loading = null;
    });
  });
  defineAnswered('hideToast', (options) => respond('hideToast', options, {}, () => {
    state.toast = null;
  }));
  defineAnswered('showLoading', (options) => {
    const opts = options || {};
    return titled('showLoading', 'title', opts, {}, () => {
      state.loading = { title: opts.title };
      state.toast = null;
    });
  });
  defineAnswered('hideLoading', (options) => respond('hideLoading', options, {}, () => {
    state.loading = null;
  }));
  defineAnswered('showModal', (options) => {
    const opts = options || {};
    // A person reads it and taps the confirm button; an editable modal is confirmed empty.
    const fallback = Object.assign({ confirm: true, cancel: false }, opts.editable ? { content: '' } : {});
    return respond('showModal', opts, fallback, (result) => {
      state.modal = { title: opts.title, content: opts.content, confirm: result.confirm };
    });
  });
  defineAnswered('showActionSheet', (options) => {
    const opts = options || {};
    const bad = checkParam('showActionSheet', 'itemList', opts.itemList, ['Array']);
    if (bad) return failNow('showActionSheet', opts, bad);
    if (opts.itemList.length > 6) return failNow('showActionSheet', opts, core.fail('showActionSheet', 'actionSheetItems'));
    return respond('showActionSheet', opts, { tapIndex: 0 });
  });
  defineAnswered('setNavigationBarTitle', (options) => {
    const opts = options || {};
    return titled('setNavigationBarTitle', 'title', opts, {}, () => {
      state.navigationBarTitle = opts.title;
      if (core.onNavigationBarTitle) core.onNavigationBarTitle(opts.title);
    });
  });
  defineAnswered('startPullDownRefresh', (options) => respond('startPullDownRefresh', options, {}, () => {
    state.pullDownRefreshing = true;
  }));
  defineAnswered('stopPullDownRefresh', (options) => respond('stopPullDownRefresh', options, {}, () => {
    state.pullDownRefreshing = false;
  }));
  // Each login yields a new code unless a script set one: `ui.respond('login', { code })`.
  defineAnswered('login', (options) => respond('login', options, () => ({ code: 'wxrun-login-code-' + ++loginCount })));
  defineAnswered('checkSession', (options) => respond('checkSession', options, {}));

  const controls = Object.freeze({
    // How `api` answers from now on: an object merged over the default answer, a function of
    // the call's options returning one, `{ fail: reason }`, or undefined for the default again.
    respond(api, answer) {
      if (typeof api !== 'string') throw new TypeError('wxrun.ui.respond(api, answer): api should be a string such as "showModal"');
      if (!answered.has(api)) {
        throw new TypeError('wxrun.ui.respond(' + JSON.stringify(api) + '): not an API wxrun answers this way; it answers ' + Array.from(answered).join(', '));
      }
      if (answer === undefined) answers.delete(api);
      else answers.set(api, answer);
    },
    // Every call so far, oldest first: { api, options, result }.
    get calls() {
      return calls.slice();
    },
    // The calls of one API.
    callsOf(api) {
      return calls.filter((call) => call.api === api);
    },
    // What is on screen: the toast, the loading indicator, the last modal, the title.
    get state() {
      return Object.assign({}, state);
    },
    // Forgets the calls and the scripted answers.
    reset() {
      calls.length = 0;
      answers.clear();
      loginCount = 0;
      Object.assign(state, { toast: null, loading: null, modal: null, navigationBarTitle: null, pullDownRefreshing: false });
    },
  });
  return controls;
})
