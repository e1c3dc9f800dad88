// UDP (spec section 9): wx.createUDPSocket and UDPSocket. Address-rule violations and send
// errors go to onError, not to callbacks, and never inside the call that caused them.
(function (core) {
  'use strict';
  const { native, define, newTaskId, setTaskHandler, forgetTask, ListenerList } = core;

  // Looked up once: send() is on the hot path of every UDP exchange.
  const isView = ArrayBuffer.isView;
  // A port a datagram can carry; anything else is a parameter error reported to onError.
  const isPort = (port) => Number.isInteger(port) && port >= 0 && port <= 65535;
  // Number(value), or NaN for a value Number() cannot convert (a symbol) instead of throwing.
  function numberOf(value) {
    try {
      return Number(value);
    } catch (error) {
      return NaN;
    }
  }

  function bytesOf(message, offset, length) {
    if (typeof message === 'string') return message;
    if (message instanceof ArrayBuffer && offset === undefined && length === undefined) return message;
    let buffer = message;
    if (isView(message)) buffer = message.buffer.slice(message.byteOffset, message.byteOffset + message.byteLength);
    if (!(buffer instanceof ArrayBuffer)) return undefined;
    const start = typeof offset === 'number' ? offset : 0;
    const end = typeof length === 'number' ? start + length : buffer.byteLength;
    if (start < 0 || end > buffer.byteLength || start > end) return null;
    return start === 0 && end === buffer.byteLength ? buffer : buffer.slice(start, end);
  }

  class UDPSocket {
    #id = newTaskId();
    #v6;
    #bound = false;
    #closed = false;
    #listeners = {
      listening: new ListenerList('onListening'),
      message: new ListenerList('onMessage'),
      error: new ListenerList('onError'),
      close: new ListenerList('onClose'),
    };

    constructor(type) {
      this.#v6 = type === 'udp6';
      // Message events come built ({message, remoteInfo, localInfo}), one object for every
      // listener.
      setTaskHandler(this.#id, (kind, a) => {
        if (core.tracing.on) this.#trace(kind === 'message' ? '<- ' + core.sizeOf(a.message) + ' from ' + a.remoteInfo.address + ':' + a.remoteInfo.port : kind + (a ? ' ' + a : ''));
        switch (kind) {
          case 'listening':
            this.#listeners.listening.emit(undefined);
            break;
          case 'message':
            this.#listeners.message.emit(a);
            break;
          case 'error':
            this.#error(a);
            break;
          case 'close':
            forgetTask(this.#id);
            this.#listeners.close.emit(undefined);
            break;
        }
      });
    }

    #trace(text) {
      core.trace('udp', '#' + this.#id + ' ' + text);
    }

    // Errors found while a method runs (bad options, a closed socket, what connect() and
    // setTTL() report) reach onError later, as a macrotask, like every event (spec section 0);
    // they share one queue with the errors of the network side, so their order is kept.
    #error(errMsg) {
      core.later(() => this.#listeners.error.emit({ errMsg }));
    }

    bind(port) {
      if (this.#closed) throw new Error(core.fail('bind', 'udpClosed').errMsg);
      if (this.#bound) throw new Error(core.fail('bind', 'udpAlreadyBound').errMsg);
      const wanted = port === undefined ? 0 : numberOf(port);
      if (!isPort(wanted)) throw new Error(core.fail('bind', 'udpInvalidPort', port).errMsg);
      let bound;
      try {
        bound = native.udpBind(this.#id, this.#v6, wanted);
      } catch (error) {
        throw new Error(core.fail('bind', 'udpSystemError', error.message).errMsg);
      }
      const [boundPort, address] = bound;
      this.#bound = true;
      if (core.tracing.on) this.#trace('bind ' + address + ':' + boundPort);
      return boundPort;
    }

    #ready(action) {
      if (this.#closed) {
        this.#error(core.fail(action, 'udpClosed').errMsg);
        return false;
      }
      if (!this.#bound) this.bind();
      return true;
    }

    send(options) {
      const o = options !== null && typeof options === 'object' ? options : {};
      if ((this.#closed || !this.#bound) && !this.#ready('send')) return;
      if (typeof o.address !== 'string' || !isPort(o.port)) {
        this.#error(core.fail('send', 'udpAddressPort').errMsg);
        return;
      }
      const data = bytesOf(o.message, o.offset, o.length);
      if (data === undefined) return this.#error(core.fail('send', 'udpMessageType').errMsg);
      if (data === null) return this.#error(core.fail('send', 'udpMessageRange').errMsg);
      if (core.tracing.on) this.#trace('-> ' + core.sizeOf(data) + ' to ' + o.address + ':' + o.port);
      native.udpSend(this.#id, o.address, o.port, data, !!o.setBroadcast);
    }

    connect(options) {
      const o = options !== null && typeof options === 'object' ? options : {};
      if (!this.#ready('connect')) return;
      const port = numberOf(o.port);
      if (!isPort(port)) return this.#error(core.fail('connect', 'udpConnectPort').errMsg);
      const error = native.udpConnect(this.#id, core.text(o.address), port);
      if (error) this.#error(error);
    }

    write(options) {
      const o = options !== null && typeof options === 'object' ? options : {};
      if (!this.#ready('write')) return;
      const data = bytesOf(o.message, o.offset, o.length);
      if (data === undefined) return this.#error(core.fail('write', 'udpMessageType').errMsg);
      if (data === null) return this.#error(core.fail('write', 'udpMessageRange').errMsg);
      if (core.tracing.on) this.#trace('-> ' + core.sizeOf(data));
      native.udpWrite(this.#id, data, !!o.setBroadcast);
    }

    setTTL(ttl) {
      if (!Number.isInteger(ttl) || ttl < 0 || ttl > 255) return this.#error(core.fail('setTTL', 'udpTtl').errMsg);
      if (!this.#bound) return this.#error(core.fail('setTTL', 'udpNotBound').errMsg);
      const error = native.udpSetTTL(this.#id, ttl);
      if (error) this.#error(core.fail('setTTL', 'udpSystemError', error).errMsg);
    }

    close() {
      if (this.#closed) return;
      this.#closed = true;
      if (this.#bound) native.udpClose(this.#id);
      else core.later(() => {
        forgetTask(this.#id);
        this.#listeners.close.emit(undefined);
      });
    }

    onListening(fn) { this.#listeners.listening.on(fn); }
    offListening(fn) { this.#listeners.listening.off(fn); }
    onMessage(fn) { this.#listeners.message.on(fn); }
    offMessage(fn) { this.#listeners.message.off(fn); }
    onError(fn) { this.#listeners.error.on(fn); }
    offError(fn) { this.#listeners.error.off(fn); }
    onClose(fn) { this.#listeners.close.on(fn); }
    offClose(fn) { this.#listeners.close.off(fn); }
  }

  define('createUDPSocket', (type) => new UDPSocket(type));
})
