// wx.request and RequestTask (spec section 4): option validation in the platform's order,
// request building (headers, content-type, GET query merging, form and JSON bodies), and the
// response pipeline's last step (JSON parse with fallback to the string).
(function (core) {
  'use strict';
  const { native, internals, define, checkParam, failResult, okResult, settleNow, failNow, ListenerSet, typeName, isPlainObject, newTaskId, setTaskHandler, forgetTask } = core;

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

  function formEncode(data) {
    return Object.keys(data)
      .map((k) => encodeURIComponent(k) + '=' + encodeURIComponent(data[k]))
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
      pairs.set(encodeURIComponent(key), encodeURIComponent(value));
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

  class RequestTask {
    constructor(id) {
      Object.defineProperty(this, '_id', { value: id });
      Object.defineProperty(this, '_headers', { value: new ListenerSet('onHeadersReceived') });
      Object.defineProperty(this, '_chunks', { value: new ListenerSet('onChunkReceived') });
    }
    abort() {
      abortTask(this._id);
    }
    onHeadersReceived(fn) {
      this._headers.on(fn);
    }
    offHeadersReceived(fn) {
      this._headers.off(fn);
    }
    onChunkReceived(fn) {
      this._chunks.on(fn);
    }
    offChunkReceived(fn) {
      this._chunks.off(fn);
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
      settleNow(state.api, state.options, false, failResult(state.api, 'abort'));
    }
  }

  function finish(id) {
    live.delete(id);
    forgetTask(id);
  }

  // Starts an HTTP task of any of the three HTTP interfaces once its options are valid.
  // `spec` is what the Rust side needs; `onDone` turns the success payload into the result.
  function startTask(api, options, spec, site, task, onDone) {
    const id = task._id;
    const state = { api, options, task, site };
    live.set(id, state);
    const handler = (type, payload) => {
      if (!live.has(id)) return;
      switch (type) {
        case 'headers':
          task._headers.emit(payload);
          break;
        case 'chunk':
          if (task._chunks) task._chunks.emit(payload);
          break;
        case 'progress':
          if (task._progress) task._progress.emit(payload);
          break;
        case 'warning':
          internals.warn(payload.code, 'wx.' + api + ': ' + payload.message, site);
          break;
        case 'done':
          finish(id);
          settleNow(api, options, true, okResult(api, onDone(payload)));
          break;
        case 'fail':
          finish(id);
          settleNow(api, options, false, failResult(api, payload.reason, payload.errno));
          break;
      }
    };
    setTaskHandler(id, handler);
    const started = native.startHttp(id, spec);
    if (started.cappedFrom) {
      internals.warn('timeout-cap', 'wx.' + api + ': timeout ' + started.cappedFrom + ' ms is above the 60000 ms phones allow; it was capped to 60000', site);
    }
    return task;
  }

  function request(options) {
    const api = 'request';
    const opts = options !== null && typeof options === 'object' ? options : {};
    const site = internals.callSite();
    const url = opts.url;
    const typeFailure = checkParam(api, 'url', url, ['String']);
    if (typeFailure) return failNow(api, opts, typeFailure);
    if (!/^https?:\/\//i.test(url)) return failNow(api, opts, failResult(api, 'invalid url "' + url + '"', 600009));
    const data = opts.data;
    if (data !== null && typeof data === 'object' && !(data instanceof ArrayBuffer)) {
      try {
        JSON.stringify(data);
      } catch (e) {
        return failNow(api, opts, failResult(api, 'fail to stringify data', 600010));
      }
    }
    if (typeof data === 'function') return failNow(api, opts, failResult(api, 'data should not be Function', 600010));
    const hostCheck = native.checkHost(url);
    if (hostCheck.invalid) return failNow(api, opts, failResult(api, 'invalid url "' + url + '"', 600009));
    if (hostCheck.illegal) return failNow(api, opts, failResult(api, 'illegal host: ' + hostCheck.illegal, 101));

    const headers = scriptHeaders(api, opts.header, site, 'application/json');
    const method = opts.method === undefined ? 'GET' : String(opts.method).toUpperCase();
    const task = new RequestTask(newTaskId());
    if (!METHODS.includes(method)) {
      live.set(task._id, { api, options: opts, task, site });
      core.later(() => {
        if (!live.has(task._id)) return;
        finish(task._id);
        settleNow(api, opts, false, failResult(api, 'method is invalid'));
      });
      return task;
    }
    let finalUrl = url;
    let body;
    const isObject = data !== null && typeof data === 'object' && !(data instanceof ArrayBuffer);
    if (method === 'GET' && isObject && Object.keys(data).length > 0) {
      finalUrl = mergeQuery(url, data);
    } else {
      body = bodyOf(data, headers.contentType);
      if (body !== undefined && !BODY_METHODS.includes(method)) {
        if ((typeof body === 'string' && body.length) || (body instanceof ArrayBuffer && body.byteLength)) {
          internals.warn('body-dropped', 'wx.request: ' + method + ' carries no body on phones; the data was dropped (use POST, PUT or DELETE, or an object with GET to build the query)', site);
        }
        body = undefined;
      }
    }
    const responseType = String(opts.responseType === undefined ? 'text' : opts.responseType).toLowerCase();
    const redirect = native.redirectOption ? opts.redirect : undefined;
    return startTask(
      api,
      opts,
      {
        interface: api,
        url: finalUrl,
        method,
        headers: headers.list,
        body,
        timeout: typeof opts.timeout === 'number' ? opts.timeout : undefined,
        follow: redirect !== 'manual',
        http2: !!opts.enableHttp2,
        chunked: !!opts.enableChunked,
        arraybuffer: responseType === 'arraybuffer',
      },
      site,
      task,
      (payload) => {
        let data = payload.data;
        const dataType = opts.dataType === undefined ? 'json' : opts.dataType;
        if (dataType === 'json' && typeof data === 'string' && data !== '') {
          try {
            data = JSON.parse(data);
          } catch (e) {
            // The raw string stays, and the request still succeeds.
          }
        }
        return { data, statusCode: payload.statusCode, header: payload.header, cookies: payload.cookies, profile: payload.profile };
      },
    );
  }

  define('request', request);
  return { scriptHeaders, startTask, abortTask, live };
})
