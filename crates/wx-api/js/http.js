// The HTTP APIs: wx.request and RequestTask (spec section 4), wx.uploadFile and UploadTask, and
// wx.downloadFile and DownloadTask (sections 5 and 6), sharing one task machinery. The options
// are checked and the request built natively (wx-api/src/http/options.rs), in the platform's
// order, and results and events arrive as the objects scripts receive: this layer keeps the
// tasks, their listeners and the callbacks.
(function (core) {
  'use strict';
  const { native, internals, define, settleNow, failNow, fail, ListenerSet, newTaskId, setTaskHandler, forgetTask } = core;

  // Listener sets are made on first use: most tasks never get a listener.
  class HttpTask {
    #id;
    #listeners = null;
    constructor(id) {
      this.#id = id;
    }
    static idOf(task) {
      return task.#id;
    }
    static listeners(task, kind) {
      return task.#listeners && task.#listeners[kind];
    }
    #set(kind, onName) {
      if (!this.#listeners) this.#listeners = {};
      if (!this.#listeners[kind]) this.#listeners[kind] = new ListenerSet(onName);
      return this.#listeners[kind];
    }
    abort() {
      abortTask(this.#id);
    }
    onHeadersReceived(fn) {
      this.#set('headers', 'onHeadersReceived').on(fn);
      native.wantHeaders(this.#id);
    }
    offHeadersReceived(fn) {
      if (HttpTask.listeners(this, 'headers')) this.#listeners.headers.off(fn);
    }
    // Subclasses expose the listeners their API has.
    _on(kind, onName, fn) {
      this.#set(kind, onName).on(fn);
    }
    _off(kind, fn) {
      const set = HttpTask.listeners(this, kind);
      if (set) set.off(fn);
    }
  }

  class RequestTask extends HttpTask {
    onChunkReceived(fn) {
      this._on('chunk', 'onChunkReceived', fn);
    }
    offChunkReceived(fn) {
      this._off('chunk', fn);
    }
  }

  class UploadTask extends HttpTask {
    onProgressUpdate(fn) {
      this._on('progress', 'onProgressUpdate', fn);
    }
    offProgressUpdate(fn) {
      this._off('progress', fn);
    }
  }

  class DownloadTask extends HttpTask {
    onProgressUpdate(fn) {
      this._on('progress', 'onProgressUpdate', fn);
    }
    offProgressUpdate(fn) {
      this._off('progress', fn);
    }
  }

  const live = new Map();

  function abortTask(id) {
    const state = live.get(id);
    if (!state) return;
    const outcome = native.abort(id);
    if (outcome === 'queued') {
      // A queued task leaves the queue now, and its callbacks run now.
      finish(id);
      settleNow(state.api, state.options, false, fail(state.api, 'abort'));
    }
  }

  function finish(id) {
    live.delete(id);
    forgetTask(id);
  }

  // A call of `api` whose native `begin(id, opts)` checked the options and started task `id`.
  // What the native said is undefined, a fail result (the call fails now and returns undefined),
  // or the conformance warnings to report at the call site.
  function start(api, options, begin, Task) {
    const opts = options !== null && typeof options === 'object' ? options : {};
    const site = internals.captureSite();
    const id = newTaskId();
    const said = begin(id, opts);
    if (said !== undefined) {
      if (!Array.isArray(said)) return failNow(api, opts, said);
      for (const [code, message] of said) internals.warn(code, message, site);
    }
    const task = new Task(id);
    live.set(id, { api, options: opts });
    setTaskHandler(id, (type, payload, extra) => {
      if (!live.has(id)) return;
      switch (type) {
        case 'headers': {
          const listeners = HttpTask.listeners(task, 'headers');
          if (listeners && listeners.size) listeners.emit(payload);
          break;
        }
        case 'chunk':
        case 'progress': {
          const listeners = HttpTask.listeners(task, type);
          if (listeners) listeners.emit(payload);
          break;
        }
        case 'warning':
          internals.warn(payload, extra, site);
          break;
        case 'hint':
          core.hint(payload);
          break;
        case 'done':
        case 'fail':
          finish(id);
          if (extra !== undefined) core.trace(api, extra);
          settleNow(api, opts, type === 'done', payload);
          break;
      }
    }, { transfer: true });
    return task;
  }

  const beginRequest = (id, opts) => native.request(id, opts);
  const beginDownload = (id, opts) => native.downloadFile(id, opts);
  const beginUpload = (id, opts) => native.uploadFile(id, opts);

  function request(options) {
    return start('request', options, beginRequest, RequestTask);
  }

  function downloadFile(options) {
    return start('downloadFile', options, beginDownload, DownloadTask);
  }

  function uploadFile(options) {
    return start('uploadFile', options, beginUpload, UploadTask);
  }

  define('request', request);
  define('downloadFile', downloadFile);
  define('uploadFile', uploadFile);
})
