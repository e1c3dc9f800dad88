// Helpers for the TCPSocket tests: a socket that records its events, and the testkit's TCP
// servers (all on 127.0.0.2, a LAN peer of the device 127.0.0.1/8).
const { env } = require('wxrun');
const { waitFor } = require('./net');

const port = (name) => Number(env[name].split(':')[1]);
exports.PEER = '127.0.0.2';
exports.ECHO = port('WXRUN_TESTKIT_TCP');
// Says "hello", then closes.
exports.GREET = port('WXRUN_TESTKIT_TCP_GREET');
// Resets a connection once data arrives on it.
exports.RESET = port('WXRUN_TESTKIT_TCP_RESET');
// Its accept queue is full: a connect there never completes.
exports.HOLD = port('WXRUN_TESTKIT_TCP_HOLD');
// Nothing listens there.
exports.REFUSED = port('WXRUN_TESTKIT_TCP_REFUSED');
// A tcpdomain host; this port of it is routed to the echo server.
exports.TCP_HOST = 'tcp.wxrun.test';
exports.TCP_HOST_PORT = 9100;

// Every event in order as [kind, payload]; `received()` is the text of all messages so far;
// `closed()` resolves at the first onClose, `next(kind)` at the next event of that kind.
exports.recorded = (options) => {
  const socket = wx.createTCPSocket(options);
  const events = [];
  for (const kind of ['Connect', 'Message', 'Error', 'Close']) {
    socket['on' + kind]((payload) => events.push([kind.toLowerCase(), payload]));
  }
  const count = (kind) => events.filter(([k]) => k === kind).length;
  const next = (kind, ms = 3000) => {
    const seen = count(kind);
    return waitFor(() => count(kind) > seen, ms).then(() => events.filter(([k]) => k === kind)[seen][1]);
  };
  const kinds = () => events.map(([kind]) => kind);
  const errors = () => events.filter(([k]) => k === 'error').map(([, e]) => e);
  const received = () =>
    events
      .filter(([k]) => k === 'message')
      .map(([, m]) => String.fromCharCode(...new Uint8Array(m.message)))
      .join('');
  const closed = (ms = 5000) => waitFor(() => count('close') > 0, ms);
  return { socket, events, next, kinds, errors, received, closed };
};
