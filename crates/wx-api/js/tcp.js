// TCP (docs/tcp.md): wx.createTCPSocket and TCPSocket. As with UDPSocket, every outcome reaches
// the listeners (onConnect, onMessage, onError, onClose), each as its own macrotask and never
// inside the call that caused it; the address rules and the connection live in Rust.
(function (core) {
  'use strict';
  const { native, define, newTaskId, setTaskHandler, forgetTask, ListenerList, internals } = core;
  const tcp = native.tcp;

  const [IPV6, BIND_WIFI, CONNECT_RESULT, CONNECT_INFO] = tcp.gates;
  const [LIMIT, MINUTES] = tcp.limit;

  // The socket's state; CLOSING from close() until the connection's close event.
  const IDLE = 0;
  const CONNECTING = 1;
  const CONNECTED = 2;
  const CLOSING = 3;
  const CLOSED = 4;

  const isView = ArrayBuffer.isView;

  function info(address, port) {
    return { address, family: address.includes(':') ? 'IPv6' : 'IPv4', port };
  }

  // The bytes of write()'s data, or undefined for anything but a string or binary data.
  function bytesOf(data) {
    if (typeof data === 'string' || data instanceof ArrayBuffer) return data;
    if (isView(data)) return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
    return undefined;
  }

  // The detail each refusal of the address rules names.
  function refusalDetail(key, address, port) {
    if (key === 'tcpInvalidAddress') return JSON.stringify(address);
    if (key === 'tcpNotAllowed') return address + ':' + port;
    return String(port);
  }

  let nextSocket = 1;

  class TCPSocket {
    #name = '#' + nextSocket++;
    #v6;
    #admitted;
    #state = IDLE;
    // The id of the current connection's events.
    #connection = 0;
    #localInfo;
    #remoteInfo;
    #listeners = {
      connect: new ListenerList('onConnect'),
      message: new ListenerList('onMessage'),
      error: new ListenerList('onError'),
      close: new ListenerList('onClose'),
      bindWifi: new ListenerList('onBindWifi'),
    };

    constructor(v6, admitted) {
      this.#v6 = v6;
      this.#admitted = admitted;
      if (!admitted) this.#fail('createTCPSocket', 'tcpCreateTooMuch', LIMIT, MINUTES);
    }

    #trace(text) {
      core.trace('tcp', this.#name + ' ' + text);
    }

    // A failure found while a method runs, reported later like every event (spec section 0).
    #fail(api, key, ...details) {
      const { errMsg, errCode } = core.fail(api, key, ...details);
      if (core.tracing.on) this.#trace('error ' + errMsg);
      core.later(() => this.#listeners.error.emit({ errMsg, errCode }));
    }

    // The events of connection `id`.
    #event(id, kind, a, b, c, d) {
      const current = id === this.#connection;
      switch (kind) {
        case 'connect':
          if (!current || this.#state !== CONNECTING) break;
          this.#state = CONNECTED;
          this.#localInfo = info(a, b);
          this.#remoteInfo = info(c, d);
          if (core.tracing.on) this.#trace('connected ' + c + ':' + d + ' from ' + a + ':' + b);
          this.#listeners.connect.emit(this.#connectResult());
          break;
        case 'message':
          // Bytes that arrive after close() are not the script's any more.
          if (!current || this.#state !== CONNECTED) break;
          if (core.tracing.on) this.#trace('<- ' + core.sizeOf(a));
          this.#listeners.message.emit({ message: a, remoteInfo: this.#remoteInfo, localInfo: this.#localInfo });
          break;
        case 'error':
          if (!current || this.#state === CLOSING) break;
          if (core.tracing.on) this.#trace('error ' + a);
          this.#listeners.error.emit({ errMsg: a, errCode: b });
          break;
        case 'close':
          forgetTask(id);
          if (current) this.#state = CLOSED;
          if (core.tracing.on) this.#trace('close');
          this.#listeners.close.emit(undefined);
          break;
      }
    }

    // onConnect's payload as the base library shapes it.
    #connectResult() {
      const result = {};
      if (CONNECT_RESULT) {
        result.useHttpDNS = false;
        result.exception = { reasons: [] };
      }
      if (CONNECT_INFO) {
        result.localInfo = Object.assign({}, this.#localInfo);
        result.remoteInfo = Object.assign({}, this.#remoteInfo);
      }
      return result;
    }

    connect(options) {
      const o = options !== null && typeof options === 'object' ? options : {};
      if (this.#state === CONNECTING || this.#state === CONNECTED) return this.#fail('connect', 'tcpAlreadyConnected');
      if (!this.#admitted) return this.#fail('connect', 'tcpCreateTooMuch', LIMIT, MINUTES);
      const address = core.unboxed(o.address);
      if (typeof address !== 'string') return this.#fail('connect', 'tcpInvalidAddress', String(address));
      const port = typeof o.port === 'number' ? o.port : NaN;
      const timeout = typeof o.timeout === 'number' ? o.timeout : undefined;
      const id = newTaskId();
      const refused = tcp.connect(id, address, port, this.#v6, timeout);
      if (refused) return this.#fail('connect', refused, refusalDetail(refused, address, o.port));
      this.#connection = id;
      this.#state = CONNECTING;
      setTaskHandler(id, (kind, a, b, c, d) => this.#event(id, kind, a, b, c, d));
      if (core.tracing.on) this.#trace('connect ' + address + ':' + port);
    }

    write(data) {
      const bytes = bytesOf(data);
      if (bytes === undefined) return this.#fail('write', 'tcpDataType');
      if (this.#state !== CONNECTING && this.#state !== CONNECTED) return this.#fail('write', 'tcpNotConnected');
      if (this.#state === CONNECTING) {
        internals.warn(
          'tcp-write-before-connect',
          'TCPSocket.write() before onConnect: wxrun sends the data once connected, phones may not; write from onConnect',
          internals.captureSite(),
        );
      }
      if (core.tracing.on) this.#trace('-> ' + core.sizeOf(bytes));
      if (!tcp.write(this.#connection, bytes)) this.#fail('write', 'tcpNotConnected');
    }

    close() {
      if (this.#state === CONNECTING || this.#state === CONNECTED) {
        this.#state = CLOSING;
        tcp.close(this.#connection);
      } else if (this.#state === IDLE) {
        // Never connected: closed at once, as a UDPSocket that was never bound.
        this.#state = CLOSED;
        core.later(() => this.#listeners.close.emit(undefined));
      }
    }

    bindWifi(options) {
      const o = options !== null && typeof options === 'object' ? options : {};
      const bssid = core.unboxed(o.BSSID);
      const [key, detail] = tcp.bindWifi(typeof bssid === 'string' ? bssid : undefined);
      this.#fail('bindWifi', key, detail);
    }

    onConnect(fn) { this.#listeners.connect.on(fn); }
    offConnect(fn) { this.#listeners.connect.off(fn); }
    onMessage(fn) { this.#listeners.message.on(fn); }
    offMessage(fn) { this.#listeners.message.off(fn); }
    onError(fn) { this.#listeners.error.on(fn); }
    offError(fn) { this.#listeners.error.off(fn); }
    onClose(fn) { this.#listeners.close.on(fn); }
    offClose(fn) { this.#listeners.close.off(fn); }
    onBindWifi(fn) { this.#listeners.bindWifi.on(fn); }
    offBindWifi(fn) { this.#listeners.bindWifi.off(fn); }
  }

  // bindWifi and its listener pair arrived in base library 2.25.0.
  if (!BIND_WIFI) {
    for (const name of ['bindWifi', 'onBindWifi', 'offBindWifi']) delete TCPSocket.prototype[name];
  }

  define('createTCPSocket', (options) => {
    const type = options !== null && typeof options === 'object' ? core.unboxed(options.type) : undefined;
    const v6 = IPV6 && typeof type === 'string' && type.toLowerCase() === 'ipv6';
    return new TCPSocket(v6, tcp.create());
  });
})
