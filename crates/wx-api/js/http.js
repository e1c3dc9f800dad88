// The HTTP APIs: wx.request and RequestTask (spec section 4: validation in the platform's
// order, request building, JSON parse with fallback), wx.uploadFile and UploadTask, and
// wx.downloadFile and DownloadTask (sections 5 and 6), sharing one task machinery.
(function (core) {
  'use strict';
  const { native, internals, define, checkParam, failResult, fail, okResult, settleNow, failNow, ListenerSet, typeName, isPlainObject, newTaskId, setTaskHandler, forgetTask, unboxed } = core;

  // Flags of native.startHttp.
  const FOLLOW = 1;
  const HTTP2 = 2;
  const CHUNKED = 4;
  const ARRAYBUFFER = 8;
  const INTERFACE = { request: 0, uploadFile: 16, downloadFile: 32 };

  const METHODS = ['OPTIONS', 'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'TRACE', 'CONNECT'];
  const BODY_METHODS = ['POST', 'PUT', 'DELETE'];

  // Header values as phones send them: strings kept, numbers as text, anything else through
  // Object.prototype.toString.
  function headerValue(api, key, value, site) {
    if (typeof value === 'string') return value;
    if (typeof value === 'number') return String(value);
    internals.warn('header-value', 'wx.' + api + ': header "' + key + '" is ' + typeName(value) + ', sent as ' + Object.prototype.toString.call(value) + '; give strings', site);
    return Object.prototype.toString.call(value);
  }

  // The script's headers: a Referer is dropped (the platform sets its own), a content-type in
  // any letter case becomes `content-type`. Returns [[name, value], ...] and the content type.
  function scriptHeaders(api, header, site, defaultContentType) {
    const list = [];
    let contentType;
    if (header !== undefined && header !== null && !isPlainObject(header)) {
      console.warn('wx.' + api + ': header must be an object');
      header = {};
    }
    for (const key of Object.keys(header || {})) {
      const lower = key.toLowerCase();
      if (lower === 'referer') {
        internals.warn('referer', 'wx.' + api + ': the Referer header set by the script is dropped; every request carries https://servicewechat.com/{appid}/{version}/page-frame.html', site);
        continue;
      }
      const value = headerValue(api, key, header[key], site);
      if (lower === 'content-type') {
        contentType = value;
        list.push(['content-type', value]);
      } else {
        list.push([key, value]);
      }
    }
    if (contentType === undefined && defaultContentType) {
      contentType = defaultContentType;
      list.push(['content-type', contentType]);
    }
    return { list, contentType: contentType || '' };
  }

  // encodeURIComponent of any value as text: a lone surrogate as U+FFFD (as URLSearchParams
  // encodes it), and a value String() cannot convert by its type, where encodeURIComponent
  // itself would throw.
  function component(value) {
    return encodeURIComponent(core.text(value).toWellFormed());
  }

  function formEncode(data) {
    return Object.keys(data)
      .map((k) => component(k) + '=' + component(data[k]))
      .join('&');
  }

  // GET with a non-empty object: merged into the query. Existing pairs are split on & and =
  // without decoding (`flag` becomes `flag=undefined`); new keys override old ones.
  function mergeQuery(url, data) {
    const at = url.indexOf('?');
    const base = at === -1 ? url : url.slice(0, at);
    const query = at === -1 ? '' : url.slice(at + 1);
    const pairs = new Map();
    if (query) {
      for (const part of query.split('&')) {
        const eq = part.indexOf('=');
        if (eq === -1) pairs.set(part, undefined);
        else pairs.set(part.slice(0, eq), part.slice(eq + 1));
      }
    }
    for (const key of Object.keys(data)) {
      let value = data[key];
      if (value !== null && typeof value === 'object') value = JSON.stringify(value);
      pairs.set(component(key), component(value));
    }
    const text = Array.from(pairs, ([k, v]) => k + '=' + (v === undefined ? 'undefined' : v)).join('&');
    return text ? base + '?' + text : base;
  }

  function bodyOf(data, contentType) {
    if (data === undefined) return undefined;
    if (typeof data === 'string' || data instanceof ArrayBuffer) return data;
    if (data !== null && typeof data === 'object' && contentType.includes('application/x-www-form-urlencoded')) {
      return formEncode(data);
    }
    return JSON.stringify(data);
  }

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

  // `header` (repeated names joined with ",") and `cookies` from [name, value, name, value...].
  function headerObject(flat) {
    const header = {};
    const cookies = [];
    const spelled = new Map();
    for (let i = 0; i < flat.length; i += 2) {
      const name = flat[i];
      const value = flat[i + 1];
      const lower = name.toLowerCase();
      if (lower === 'set-cookie') cookies.push(value);
      const known = spelled.get(lower);
      if (known === undefined) {
        spelled.set(lower, name);
        header[name] = value;
      } else {
        header[known] = header[known] + ',' + value;
      }
    }
    return { header, cookies };
  }

  // The profile from the numbers the Rust side sends, in its order.
  function profileOf(p) {
    return {
      redirectStart: 0,
      redirectEnd: 0,
      fetchStart: p[0],
      domainLookUpStart: p[1],
      domainLookUpEnd: p[2],
      connectStart: p[3],
      connectEnd: p[4],
      SSLconnectionStart: p[5],
      SSLconnectionEnd: p[6],
      requestStart: p[7],
      requestEnd: p[8],
      responseStart: p[9],
      responseEnd: p[10],
      queueStart: p[11],
      queueEnd: p[12],
      rtt: 0,
      estimate_nettype: 0,
      httpRttEstimate: 0,
      transportRttEstimate: 0,
      downstreamThroughputKbpsEstimate: 0,
      throughputKbps: 0,
      peerIP: p[13],
      port: p[14],
      socketReused: p[15],
      protocol: p[16],
      sendBytesCount: p[17],
      receivedBytedCount: p[18],
      usingHighPerformanceMode: false,
    };
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

  // Starts an HTTP task of any of the three HTTP interfaces once its options are valid.
  // `args` are the positional arguments of native.startHttp after the id; `onDone(statusCode,
  // {header, cookies}, data, profile)` turns the success into the result's fields, and
  // `progressOf(percent, done, total)` shapes progress events.
  function startTask(api, options, args, site, task, onDone, progressOf) {
    const id = HttpTask.idOf(task);
    const state = { api, options, site };
    live.set(id, state);
    setTaskHandler(id, (type, a, b, c, d) => {
      if (!live.has(id)) return;
      switch (type) {
        case 'headers': {
          const listeners = HttpTask.listeners(task, 'headers');
          if (listeners && listeners.size) {
            const built = headerObject(b);
            listeners.emit({ header: built.header, statusCode: a, cookies: built.cookies });
          }
          break;
        }
        case 'chunk': {
          const listeners = HttpTask.listeners(task, type);
          if (listeners) listeners.emit(a);
          break;
        }
        case 'progress': {
          const listeners = HttpTask.listeners(task, type);
          if (listeners) listeners.emit(progressOf(a, b, c));
          break;
        }
        case 'warning':
          internals.warn(a, 'wx.' + api + ': ' + b, site);
          break;
        case 'hint':
          core.hint('wx.' + api + ': ' + a);
          break;
        case 'done': {
          finish(id);
          if (core.tracing.on) core.trace(api, args[1] + ' ' + args[0] + ' -> ' + c);
          settleNow(api, options, true, okResult(api, onDone(c, headerObject(d), a, b)));
          break;
        }
        case 'fail':
          finish(id);
          if (core.tracing.on) core.trace(api, args[1] + ' ' + args[0] + ' -> fail ' + a);
          settleNow(api, options, false, failResult(api, a, b === null ? undefined : b));
          break;
      }
    }, { transfer: true });
    const [url, method, headerList, body, timeout, flags] = args;
    const cappedFrom = native.startHttp(id, url, method, headerList, body, timeout, flags | INTERFACE[api]);
    if (cappedFrom) {
      internals.warn('timeout-cap', 'wx.' + api + ': timeout ' + cappedFrom + ' ms is above the 60000 ms phones allow; it was capped to 60000', site);
    }
    return task;
  }

  // Steps 2 (scheme) and 5 (host) of the validation order: a fail result, or undefined.
  function urlFailure(api, url) {
    const scheme = url.slice(0, 8).toLowerCase();
    if (!scheme.startsWith('http://') && scheme !== 'https://') return fail(api, 'invalidUrl', url);
    const illegal = native.checkHost(url);
    if (illegal === true) return fail(api, 'invalidUrl', url);
    if (illegal) return fail(api, 'illegalHost', illegal);
    return undefined;
  }

  function request(options) {
    const api = 'request';
    const opts = options !== null && typeof options === 'object' ? options : {};
    const site = internals.captureSite();
    const url = unboxed(opts.url);
    if (typeof url !== 'string') return failNow(api, opts, checkParam(api, 'url', url, ['String']));
    const scheme = url.slice(0, 8).toLowerCase();
    if (!scheme.startsWith('http://') && scheme !== 'https://') return failNow(api, opts, fail(api, 'invalidUrl', url));
    const data = opts.data;
    // Whatever would become a JSON body must stringify: objects, and BigInts too.
    if ((data !== null && typeof data === 'object' && !(data instanceof ArrayBuffer)) || typeof data === 'bigint') {
      try {
        JSON.stringify(data);
      } catch (e) {
        return failNow(api, opts, fail(api, 'failToStringifyData'));
      }
    }
    if (typeof data === 'function') return failNow(api, opts, fail(api, 'dataShouldNotBeFunction'));
    const illegal = native.checkHost(url);
    if (illegal === true) return failNow(api, opts, fail(api, 'invalidUrl', url));
    if (illegal) return failNow(api, opts, fail(api, 'illegalHost', illegal));

    const headers = scriptHeaders(api, opts.header, site, 'application/json');
    const method = opts.method === undefined ? 'GET' : core.text(opts.method).toUpperCase();
    const task = new RequestTask(newTaskId());
    if (!METHODS.includes(method)) {
      const id = HttpTask.idOf(task);
      live.set(id, { api, options: opts, site });
      core.later(() => {
        if (!live.has(id)) return;
        finish(id);
        settleNow(api, opts, false, fail(api, 'methodInvalid'));
      });
      return task;
    }
    let finalUrl = url;
    let body;
    const isObject = data !== null && typeof data === 'object' && !(data instanceof ArrayBuffer);
    if (method === 'GET' && isObject) {
      // An empty object builds an empty query: the url stays as written, and nothing is dropped.
      if (Object.keys(data).length > 0) finalUrl = mergeQuery(url, data);
    } else {
      body = bodyOf(data, headers.contentType);
      if (body !== undefined && !BODY_METHODS.includes(method)) {
        if ((typeof body === 'string' && body.length) || (body instanceof ArrayBuffer && body.byteLength)) {
          internals.warn('body-dropped', 'wx.request: ' + method + ' carries no body on phones; the data was dropped (use POST, PUT or DELETE, or an object with GET to build the query)', site);
        }
        body = undefined;
      }
    }
    const responseType = core.text(opts.responseType === undefined ? 'text' : opts.responseType).toLowerCase();
    const redirect = native.redirectOption ? opts.redirect : undefined;
    const flags = (redirect !== 'manual' ? FOLLOW : 0) | (opts.enableHttp2 ? HTTP2 : 0) | (opts.enableChunked ? CHUNKED : 0) | (responseType === 'arraybuffer' ? ARRAYBUFFER : 0);
    const headerList = [];
    for (const [name, value] of headers.list) headerList.push(name, value);
    const timeout = typeof opts.timeout === 'number' ? opts.timeout : undefined;
    return startTask(api, opts, [finalUrl, method, headerList, body, timeout, flags], site, task, (statusCode, built, data, profile) => {
      const dataType = opts.dataType === undefined ? 'json' : opts.dataType;
      if (dataType === 'json' && typeof data === 'string' && data !== '') {
        try {
          data = JSON.parse(data);
        } catch (e) {
          // The raw string stays, and the request still succeeds.
        }
      }
      return { data, statusCode, header: built.header, cookies: built.cookies, profile: profileOf(profile) };
    });
  }

  // Drops a header or formData that is not a plain object, with the platform's warning.
  function objectOption(api, name, value) {
    if (value === undefined || value === null || isPlainObject(value)) return value || {};
    console.warn(api + ': ' + name + ' must be an object');
    return {};
  }

  function downloadFile(options) {
    const api = 'downloadFile';
    const opts = options !== null && typeof options === 'object' ? options : {};
    const site = internals.captureSite();
    const url = unboxed(opts.url);
    if (typeof url !== 'string') return failNow(api, opts, checkParam(api, 'url', url, ['String']));
    const bad = urlFailure(api, url);
    if (bad) return failNow(api, opts, bad);
    const filePath = native.downloadFilePath ? unboxed(opts.filePath) : undefined;
    if (filePath !== undefined && typeof filePath !== 'string') return failNow(api, opts, checkParam(api, 'filePath', filePath, ['String']));
    const task = new DownloadTask(newTaskId());
    const id = HttpTask.idOf(task);
    const refused = native.prepareDownload(id, filePath);
    if (refused) return failNow(api, opts, failResult(api, refused[0], refused[1]));
    const headers = scriptHeaders(api, objectOption(api, 'header', opts.header), site, undefined);
    const headerList = [];
    for (const [name, value] of headers.list) headerList.push(name, value);
    const timeout = typeof opts.timeout === 'number' ? opts.timeout : undefined;
    const flags = FOLLOW | (opts.enableHttp2 ? HTTP2 : 0);
    return startTask(
      api,
      opts,
      [url, 'GET', headerList, undefined, timeout, flags],
      site,
      task,
      (statusCode, built, path) => (filePath === undefined ? { tempFilePath: path, statusCode } : { filePath: path, statusCode }),
      (progress, totalBytesWritten, totalBytesExpectedToWrite) => ({ progress, totalBytesWritten, totalBytesExpectedToWrite }),
    );
  }

  function uploadFile(options) {
    const api = 'uploadFile';
    const opts = options !== null && typeof options === 'object' ? options : {};
    const site = internals.captureSite();
    const given = {};
    for (const field of ['url', 'filePath', 'name']) {
      given[field] = unboxed(opts[field]);
      if (typeof given[field] !== 'string') return failNow(api, opts, checkParam(api, field, given[field], ['String']));
    }
    const bad = urlFailure(api, given.url);
    if (bad) return failNow(api, opts, bad);
    const headers = scriptHeaders(api, objectOption(api, 'header', opts.header), site, undefined);
    const formData = objectOption(api, 'formData', opts.formData);
    const fields = [];
    for (const key of Object.keys(formData)) fields.push(key, headerValue(api, key, formData[key], site));
    const headerList = [];
    for (const [name, value] of headers.list) headerList.push(name, value);
    const task = new UploadTask(newTaskId());
    native.prepareUpload(HttpTask.idOf(task), given.filePath, given.name, fields);
    const timeout = typeof opts.timeout === 'number' ? opts.timeout : undefined;
    const flags = FOLLOW | (opts.enableHttp2 ? HTTP2 : 0);
    return startTask(
      api,
      opts,
      [given.url, 'POST', headerList, undefined, timeout, flags],
      site,
      task,
      (statusCode, built, data) => ({ data, statusCode }),
      (progress, totalBytesSent, totalBytesExpectedToSend) => ({ progress, totalBytesSent, totalBytesExpectedToSend }),
    );
  }

  define('request', request);
  define('downloadFile', downloadFile);
  define('uploadFile', uploadFile);
  return { scriptHeaders, startTask, HttpTask, headerObject, profileOf };
})
