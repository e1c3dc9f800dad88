// Helpers for WebSocket tests.
const { env } = require('wxrun');

exports.WSS = 'wss://ws.wxrun.test';
/// The plain ws server on 127.0.0.2 (a LAN peer).
exports.LAN_WS = env.WXRUN_TESTKIT_WS;
exports.LAN_HTTP = env.WXRUN_TESTKIT_HTTP;

// Resolves with the events of a socket until it closes: [[kind, payload], ...].
exports.record = (task, onEvent) =>
  new Promise((resolve) => {
    const events = [];
    for (const kind of ['open', 'message', 'error', 'close']) {
      task['on' + kind[0].toUpperCase() + kind.slice(1)]((payload) => {
        events.push([kind, payload]);
        if (onEvent) onEvent(kind, payload, task);
        if (kind === 'close') resolve(events);
      });
    }
  });

exports.opened = (task) => new Promise((resolve) => task.onOpen(resolve));
exports.nextMessage = (task) => new Promise((resolve) => task.onMessage((m) => resolve(m.data)));
exports.closed = (task) => new Promise((resolve) => task.onClose(resolve));
