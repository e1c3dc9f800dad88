// WebSockets (spec section 8): wx.connectSocket and SocketTask, the limit of 5, and the global
// functions that act on the default socket.
(function (core) {
  'use strict';
  const { native, internals, define, checkParam, failResult, okResult, settleNow, failNow, later, newTaskId, setTaskHandler, forgetTask, isPlainObject, asyncCall } = core;

  const CONNECTING = 0;
  const OPEN = 1;
  const CLOSING = 2;
  const CLOSED = 3;
  const LIMIT = native.socketLimit;
  // [task listener name, global handler name] per event, for error reports.
  const EVENT_NAMES = {
    open: ['SocketTask.onOpen', 'onSocketOpen'],
    message: ['SocketTask.onMessage', 'onSocketMessage'],
    error: ['SocketTask.onError', 'onSocketError'],
    close: ['SocketTask.onClose', 'onSocketClose'],
  };

  // Sockets that are connecting or open, in creation order.
  const active = new Set();
  let defaultTask = null;
  const globalHandlers = { open: null, message: null, error: null, close: null };

  function utf8Length(text) {
    let length = 0;
    for (const char of text) {
      const code = char.codePointAt(0);
      length += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    }
    return length;
  }

  class SocketTask {
    #id;
    #state;
    #listeners = { open: [], message: [], error: [], close: [] };
    #site;

    constructor(id, state, site) {
      this.#id = id;
      this.#state = state;
      this.#site = site;
    }

    get readyState() {
      return this.#state;
    }

    static setState(task, state) {
      task.#state = state;
    }

    static idOf(task) {
      return task.#id;
    }

    static siteOf(task) {
      return task.#site;
    }

    // Task listeners, then the global handler when this task is the default at event time.
    // (No off methods exist, so listeners added during an event simply wait for the next.)
    static emit(task, kind, payload) {
      const listeners = task.#listeners[kind];
      const names = EVENT_NAMES[kind];
      for (let i = 0, n = listeners.length; i < n; i++) core.invoke(names[0], listeners[i], payload);
      const handler = globalHandlers[kind];
      if (handler && task === defaultTask) core.invoke(names[1], handler, payload);
    }

    static dropListeners(task) {
      task.#listeners = { open: [], message: [], error: [], close: [] };
    }

    send(options) {
      const opts = options !== null && typeof options === 'object' ? options : {};
      // The common case (open, no callbacks) costs no result object and no macrotask.
      if (this.#state === OPEN && typeof opts.data === 'string' && !opts.success && !opts.fail && !opts.complete) {
        native.socketSend(this.#id, opts.data);
        if (core.tracing.on) core.trace('socket', '#' + this.#id + ' -> ' + core.sizeOf(opts.data));
        return;
      }
      const [ok, result] = sendResult(this, opts.data, 'SocketTask.send');
      if (opts.success || opts.fail || opts.complete) later(() => settleNow('SocketTask.send', opts, ok, result));
    }

    close(options) {
      const opts = options !== null && typeof options === 'object' ? options : {};
      const [ok, result] = closeResult(this, opts.code, opts.reason);
      later(() => settleNow('closeSocket', opts, ok, result));
    }

    onOpen(fn) {
      if (typeof fn === 'function') this.#listeners.open.push(fn);
    }
    onMessage(fn) {
      if (typeof fn === 'function') this.#listeners.message.push(fn);
    }
    onError(fn) {
      if (typeof fn === 'function') this.#listeners.error.push(fn);
    }
    onClose(fn) {
      if (typeof fn === 'function') this.#listeners.close.push(fn);
    }
  }
  for (const [name, value] of [['CONNECTING', CONNECTING], ['OPEN', OPEN], ['CLOSING', CLOSING], ['CLOSED', CLOSED]]) {
    Object.defineProperty(SocketTask.prototype, name, { value, enumerable: false });
    Object.defineProperty(SocketTask, name, { value, enumerable: false });
  }

  // [ok, result] of sending `data` on `task`; success is reported as sendSocketMessage:ok.
  function sendResult(task, data, failApi) {
    if (task.readyState !== OPEN) return [false, core.fail(failApi, failApi === 'SocketTask.send' ? 'socketNotOpen' : 'socketNotConnected')];
    let payload = data;
    if (ArrayBuffer.isView(data)) payload = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
    const bad = checkParam(failApi, 'data', payload, ['String', 'ArrayBuffer']);
    if (bad) return [false, bad];
    if (!native.socketSend(SocketTask.idOf(task), payload)) return [false, core.fail(failApi, 'socketNotConnected')];
    if (core.tracing.on) core.trace('socket', '#' + SocketTask.idOf(task) + ' -> ' + core.sizeOf(payload));
    return [true, okResult('sendSocketMessage', {})];
  }

  // [ok, result] of closing `task` with `code` and `reason`.
  function closeResult(task, code, reason) {
    const closeCode = code === undefined ? 1000 : code;
    if (closeCode !== 1000 && !(Number.isInteger(closeCode) && closeCode >= 3000 && closeCode <= 4999)) {
      return [false, core.fail('closeSocket', 'socketCloseCode')];
    }
    const text = reason === undefined ? '' : core.text(reason);
    if (utf8Length(text) > 123) return [false, core.fail('closeSocket', 'socketCloseReason')];
    if (task.readyState === CONNECTING || task.readyState === OPEN) {
      SocketTask.setState(task, CLOSING);
      native.socketClose(SocketTask.idOf(task), closeCode, text);
    }
    return [true, okResult('closeSocket', {})];
  }

  function handlerFor(task, url) {
    const id = SocketTask.idOf(task);
    const trace = (text) => core.tracing.on && core.trace('socket', '#' + id + ' ' + text);
    return (type, a, b) => {
      switch (type) {
        case 'open':
          trace('open ' + url);
          if (task.readyState === CONNECTING) SocketTask.setState(task, OPEN);
          SocketTask.emit(task, 'open', a);
          break;
        case 'message':
          trace('<- ' + core.sizeOf(a));
          SocketTask.emit(task, 'message', { data: a });
          break;
        case 'warning':
          internals.warn(a, 'wx.connectSocket: ' + b, SocketTask.siteOf(task));
          break;
        case 'hint':
          core.hint('wx.connectSocket: ' + a);
          break;
        case 'error':
          trace('error ' + a);
          SocketTask.emit(task, 'error', { errMsg: a });
          break;
        case 'close':
          trace('close ' + a + (b ? ' ' + b : ''));
          SocketTask.setState(task, CLOSED);
          active.delete(task);
          forgetTask(id);
          SocketTask.emit(task, 'close', { code: a, reason: b });
          SocketTask.dropListeners(task);
          break;
      }
    };
  }

  function connectSocket(options) {
    const api = 'connectSocket';
    const opts = options !== null && typeof options === 'object' ? options : {};
    const site = internals.captureSite();
    const url = core.unboxed(opts.url);
    if (typeof url !== 'string') return failNow(api, opts, checkParam(api, 'url', url, ['String']));
    const scheme = url.slice(0, 6).toLowerCase();
    if (!scheme.startsWith('ws://') && scheme !== 'wss://') return failNow(api, opts, core.fail(api, 'invalidUrl', url));
    const single = LIMIT === 1;
    if (single && defaultTask && defaultTask.readyState !== CLOSED) {
      // Before base library 1.7.0 a new socket replaces the old one.
      closeResult(defaultTask, 1000, '');
    } else if (!single && active.size >= LIMIT) {
      const refused = new SocketTask(newTaskId(), CLOSED, site);
      later(() => settleNow(api, opts, false, core.fail(api, 'socketLimit', LIMIT)));
      return refused;
    }
    const id = newTaskId();
    const task = new SocketTask(id, CONNECTING, site);
    active.add(task);
    if (single || !defaultTask || defaultTask.readyState === CLOSED) defaultTask = task;
    setTaskHandler(id, handlerFor(task, url));
    if (core.tracing.on) core.trace('socket', '#' + id + ' connect ' + url);
    const headers = [];
    if (isPlainObject(opts.header)) {
      for (const key of Object.keys(opts.header)) {
        if (key.toLowerCase() === 'referer') {
          internals.warn('referer', 'wx.connectSocket: the Referer header set by the script is dropped; every handshake carries https://servicewechat.com/{appid}/{version}/page-frame.html', site);
          continue;
        }
        const value = opts.header[key];
        headers.push(key, typeof value === 'string' ? value : typeof value === 'number' ? String(value) : Object.prototype.toString.call(value));
      }
    }
    const protocols = Array.isArray(opts.protocols) ? opts.protocols.filter((p) => typeof p === 'string') : [];
    const timeout = typeof opts.timeout === 'number' ? opts.timeout : undefined;
    const cappedFrom = native.socketOpen(id, url, headers, protocols, timeout, !!opts.tcpNoDelay);
    if (cappedFrom) internals.warn('timeout-cap', 'wx.connectSocket: timeout ' + cappedFrom + ' ms is above the 60000 ms phones allow; it was capped to 60000', site);
    later(() => settleNow(api, opts, true, okResult(api, {})));
    return single ? undefined : task;
  }

  define('connectSocket', connectSocket);
  for (const kind of ['open', 'message', 'error', 'close']) {
    const name = 'onSocket' + kind[0].toUpperCase() + kind.slice(1);
    define(name, (fn) => {
      if (typeof fn === 'function') globalHandlers[kind] = fn;
    });
  }

  define('sendSocketMessage', (options) => {
    const opts = options !== null && typeof options === 'object' ? options : {};
    return asyncCall(
      'sendSocketMessage',
      options,
      (settle) => {
        if (!defaultTask) return settle(false, core.fail('sendSocketMessage', 'socketNotConnected'));
        settle(...sendResult(defaultTask, opts.data, 'sendSocketMessage'));
      },
      { promise: true },
    );
  });

  define('closeSocket', (options) => {
    const opts = options !== null && typeof options === 'object' ? options : {};
    const site = internals.captureSite();
    return asyncCall(
      'closeSocket',
      options,
      (settle) => {
        const target = defaultTask;
        let outcome;
        if (!target || target.readyState === CLOSED || target.readyState === CLOSING) {
          outcome = [false, core.fail('closeSocket', 'socketNotConnected')];
        } else if (target.readyState === CONNECTING) {
          internals.warn('close-before-open', 'wx.closeSocket was called before the socket opened; on phones this does not stop it from opening. Call it in onSocketOpen, or keep the SocketTask and close that.', site);
          outcome = [true, okResult('closeSocket', {})];
        } else {
          outcome = closeResult(target, opts.code, opts.reason);
        }
        if (outcome[0]) {
          // It also closes every other socket opened with wx.connectSocket.
          for (const task of Array.from(active)) {
            if (task !== target && task.readyState === OPEN) closeResult(task, 1000, '');
          }
        }
        settle(...outcome);
      },
      { promise: true },
    );
  });
})
